package multiregion.policies.change.waiver_covers_a_finding_test

import data.multiregion.main
import data.multiregion.policies.change.waiver_covers_a_finding as policy
import data.multiregion.test.fixtures

waiver(path, expires) := {
	"policy": "traffic.weights-sum-to-100",
	"target": {"file": "regions/us-west-2.ts", "path": path},
	"reason": "load test",
	"owner": "@example-org/sre",
	"expires": expires,
}

finding := {"policy": "traffic.weights-sum-to-100", "message": "weights sum to 120", "location": {"file": "regions/us-west-2.ts", "path": "traffic.weight"}}

judged(waivers, findings) := object.union(fixtures.good, {"waivers": waivers, "findings": findings, "policies": ["traffic.weights-sum-to-100"]})

test_waiver_covering_a_finding_passes if {
	count(policy.deny) == 0 with input as judged([waiver("traffic", "2026-12-01T00:00:00.000Z")], [finding])
}

test_waiver_covering_nothing_fires if {
	findings := policy.deny with input as judged([waiver("traffic", "2026-12-01T00:00:00.000Z"), waiver("readOnly", "2026-12-01T00:00:00.000Z")], [finding])
	findings == {{
		"message": "waiver for traffic.weights-sum-to-100 on regions/us-west-2.ts readOnly, owned by @example-org/sre, matches no finding; remove it",
		"location": {"file": "policies/waivers.yaml", "path": "waivers[1]"},
	}}
}

test_expired_or_misnamed_waivers_are_left_to_their_own_policies if {
	expired := waiver("readOnly", "2026-11-01T00:00:00.000Z")
	misnamed := object.union(waiver("readOnly", "2026-12-01T00:00:00.000Z"), {"policy": "traffic.weights-sum-to-99"})
	count(policy.deny) == 0 with input as judged([expired, misnamed], [])
}

test_nothing_is_judged_without_the_findings if {
	count(policy.deny) == 0 with input as object.union(fixtures.good, {"waivers": [waiver("readOnly", "2026-12-01T00:00:00.000Z")]})
}

test_report_lists_a_stale_waiver_once_unwaived if {
	input_with_stale := object.union(fixtures.with_model(fixtures.weights(60, 60)), {"policies": ["traffic.weights-sum-to-100"], "waivers": [waiver("traffic.weight", "2026-12-01T00:00:00.000Z"), waiver("readOnly", "2026-12-01T00:00:00.000Z")]})
	stale := [f | some f in main.findings; f.policy == "change.waiver-covers-a-finding"] with input as input_with_stale
	count(stale) == 1
	stale[0].location.path == "waivers[1]"
	not stale[0].waiver
}
