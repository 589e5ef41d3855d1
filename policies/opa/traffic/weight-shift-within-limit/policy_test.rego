package multiregion.policies.traffic.weight_shift_within_limit_test

import data.multiregion.policies.traffic.weight_shift_within_limit as policy
import data.multiregion.test.fixtures

failover(start, end) := [{"op": "add", "path": "/global/declarations/-", "value": {
	"kind": "failover", "name": "east-outage", "from": "us-east-1", "to": "us-west-2",
	"reason": "us-east-1 database unreachable", "declaredBy": "@example-org/platform",
	"start": start, "end": end,
}}]

third_region := [
	{"op": "add", "path": "/regions/-", "value": fixtures.region("eu-west-1", "secondary", 0)},
]

with_third_region_source(inp) := object.union(inp, {"sources": {"regions": {"eu-west-1": "regions/eu-west-1.ts"}}})

test_no_findings_without_a_base if {
	count(policy.deny) == 0 with input as fixtures.with_model(fixtures.weights(0, 100))
}

test_shift_at_the_limit_passes if {
	count(policy.deny) == 0 with input as fixtures.changed(fixtures.weights(50, 50), fixtures.weights(25, 75))
}

test_unchanged_weights_pass if {
	count(policy.deny) == 0 with input as fixtures.changed([], [])
}

test_shift_over_the_limit_fires_on_each_changed_region if {
	findings := policy.deny with input as fixtures.changed(fixtures.weights(50, 50), fixtures.weights(10, 90))
	findings == {
		{
			"message": "us-east-1 traffic.weight 50→10 is part of a change moving 40 weight points (us-east-1 50→10, us-west-2 50→90); expected at most 25 (global.changeControl.maxWeightShiftPoints) unless a failover is declared",
			"location": {"file": "regions/us-east-1.ts", "path": "traffic.weight"},
		},
		{
			"message": "us-west-2 traffic.weight 50→90 is part of a change moving 40 weight points (us-east-1 50→10, us-west-2 50→90); expected at most 25 (global.changeControl.maxWeightShiftPoints) unless a failover is declared",
			"location": {"file": "regions/us-west-2.ts", "path": "traffic.weight"},
		},
	}
}

test_lower_limit_from_the_model_applies if {
	head := array.concat(fixtures.weights(40, 60), [{"op": "replace", "path": "/global/changeControl/maxWeightShiftPoints", "value": 5}])
	findings := policy.deny with input as fixtures.changed(fixtures.weights(50, 50), head)
	count(findings) == 2
	some f in findings
	f.message == "us-east-1 traffic.weight 50→40 is part of a change moving 10 weight points (us-east-1 50→40, us-west-2 50→60); expected at most 5 (global.changeControl.maxWeightShiftPoints) unless a failover is declared"
}

test_failover_in_force_allows_a_full_shift if {
	head := array.concat(fixtures.weights(0, 100), failover("2026-11-20T00:00:00.000Z", "2026-11-21T00:00:00.000Z"))
	count(policy.deny) == 0 with input as fixtures.changed(fixtures.weights(50, 50), head)
}

test_expired_failover_does_not_allow_a_full_shift if {
	head := array.concat(fixtures.weights(0, 100), failover("2026-11-19T00:00:00.000Z", "2026-11-20T00:00:00.000Z"))
	findings := policy.deny with input as fixtures.changed(fixtures.weights(50, 50), head)
	{f.location.file | some f in findings} == {"regions/us-east-1.ts", "regions/us-west-2.ts"}
}

test_new_region_taking_traffic_counts_from_zero if {
	head := array.concat(third_region, [
		{"op": "replace", "path": "/regions/0/traffic/weight", "value": 20},
		{"op": "replace", "path": "/regions/1/traffic/weight", "value": 40},
		{"op": "replace", "path": "/regions/2/traffic/weight", "value": 40},
	])
	findings := policy.deny with input as with_third_region_source(fixtures.changed([], head))
	some f in findings
	f == {
		"message": "eu-west-1 traffic.weight 0→40 (new) is part of a change moving 40 weight points (eu-west-1 0→40 (new), us-east-1 50→20, us-west-2 50→40); expected at most 25 (global.changeControl.maxWeightShiftPoints) unless a failover is declared",
		"location": {"file": "regions/eu-west-1.ts", "path": "traffic.weight"},
	}
}

test_removed_region_is_located_in_the_base_file if {
	base := array.concat(third_region, [
		{"op": "replace", "path": "/regions/0/traffic/weight", "value": 30},
		{"op": "replace", "path": "/regions/1/traffic/weight", "value": 30},
		{"op": "replace", "path": "/regions/2/traffic/weight", "value": 40},
	])
	inp := fixtures.changed(base, [])
	findings := policy.deny with input as object.union(inp, {"base": {"sources": {"regions": {"eu-west-1": "regions/eu-west-1.ts"}}}})
	some f in findings
	f == {
		"message": "eu-west-1 traffic.weight 40→0 (removed) is part of a change moving 40 weight points (eu-west-1 40→0 (removed), us-east-1 30→50, us-west-2 30→50); expected at most 25 (global.changeControl.maxWeightShiftPoints) unless a failover is declared",
		"location": {"file": "regions/eu-west-1.ts", "path": "traffic.weight"},
	}
}
