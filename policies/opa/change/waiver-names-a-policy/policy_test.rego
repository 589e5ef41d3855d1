package multiregion.policies.change.waiver_names_a_policy_test

import data.multiregion.policies.change.waiver_names_a_policy as policy
import data.multiregion.test.fixtures

policies := [
	"read-only.not-every-region-read-only",
	"traffic.weights-sum-to-100",
	"traffic.weight-shift-within-limit",
]

waiver(id) := {
	"policy": id,
	"target": {"file": "regions/us-west-2.ts", "path": "traffic.weight"},
	"reason": "drill",
	"owner": "@example-org/sre",
	"expires": "2027-01-31T00:00:00.000Z",
}

with_waivers(waivers) := object.union(fixtures.good, {"waivers": waivers, "policies": policies})

test_waivers_naming_policies_pass if {
	count(policy.deny) == 0 with input as with_waivers([waiver("traffic.weights-sum-to-100"), waiver("read-only.not-every-region-read-only")])
}

test_misspelt_policy_fires_with_its_siblings if {
	findings := policy.deny with input as with_waivers([waiver("traffic.weights-sum-to-100"), waiver("traffic.weights_sum_to_100")])
	findings == {{
		"message": "waiver names policy \"traffic.weights_sum_to_100\", which does not exist; expected one of the traffic policies: traffic.weight-shift-within-limit, traffic.weights-sum-to-100",
		"location": {"file": "policies/waivers.yaml", "path": "waivers[1]"},
	}}
}

test_unknown_group_fires_listing_the_groups if {
	findings := policy.deny with input as with_waivers([waiver("infrastructure.deletion-protection")])
	findings == {{
		"message": "waiver names policy \"infrastructure.deletion-protection\", which does not exist; expected <group>.<name> with a group among read-only, traffic",
		"location": {"file": "policies/waivers.yaml", "path": "waivers[0]"},
	}}
}

test_missing_policy_list_fails_closed if {
	count(policy.deny) == 1 with input as object.union(fixtures.good, {"waivers": [waiver("traffic.weights-sum-to-100")]})
}
