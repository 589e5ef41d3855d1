package multiregion.policies.change.waiver_within_horizon_test

import data.multiregion.policies.change.waiver_within_horizon as policy
import data.multiregion.test.fixtures

waiver(expires) := {
	"policy": "infrastructure.deletion-protection",
	"target": {"file": "generated/terraform/us-west-2/cdk.tf.json", "path": "resource.aws_rds_cluster.scratch"},
	"reason": "scratch cluster for the failover drill",
	"owner": "@example-org/dba",
	"expires": expires,
}

with_waivers(waivers) := object.union(fixtures.good, {"waivers": waivers})

# fixtures.now is 2026-11-20T12:00:00.000Z; 180 days later is 2027-05-19T12:00:00.000Z.
test_waiver_ending_on_the_horizon_passes if {
	count(policy.deny) == 0 with input as with_waivers([waiver("2027-05-19T12:00:00.000Z"), waiver("2026-12-01T00:00:00.000Z")])
}

test_waiver_beyond_the_horizon_fires_at_its_expiry if {
	findings := policy.deny with input as with_waivers([waiver("2027-01-31T00:00:00.000Z"), waiver("2027-05-19T12:00:01.000Z")])
	findings == {{
		"message": "waiver for infrastructure.deletion-protection on generated/terraform/us-west-2/cdk.tf.json resource.aws_rds_cluster.scratch, owned by @example-org/dba, expires at 2027-05-19T12:00:01.000Z; expected a date within 180 days of 2026-11-20T12:00:00.000Z (changeControl.maxWaiverDays in regions/global.yaml), got 181 days",
		"location": {"file": "policies/waivers.yaml", "path": "waivers[1].expires"},
	}}
}

test_horizon_comes_from_the_global_settings if {
	short := fixtures.with_model([{"op": "add", "path": "/global/changeControl/maxWaiverDays", "value": 30}])
	count(policy.deny) == 1 with input as object.union(short, {"waivers": [waiver("2027-01-31T00:00:00.000Z")]})
}

test_change_cannot_lengthen_the_horizon_and_use_it if {
	longer := fixtures.changed([], [{"op": "add", "path": "/global/changeControl/maxWaiverDays", "value": 720}])
	count(policy.deny) == 1 with input as object.union(longer, {"waivers": [waiver("2028-01-31T00:00:00.000Z")]})
	count(policy.deny) == 0 with input as object.union(longer, {"waivers": [waiver("2027-05-01T00:00:00.000Z")]})
}
