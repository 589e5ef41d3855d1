package multiregion.policies.change.waiver_not_expired_test

import data.multiregion.policies.change.waiver_not_expired as policy
import data.multiregion.test.fixtures

waiver(expires) := {
	"policy": "infrastructure.deletion-protection",
	"target": {"file": "generated/terraform/us-west-2/cdk.tf.json", "path": "resource.aws_rds_cluster.scratch"},
	"reason": "scratch cluster for the failover drill",
	"owner": "@example-org/dba",
	"expires": expires,
}

with_waivers(waivers) := object.union(fixtures.good, {"waivers": waivers})

test_waiver_expiring_later_passes if {
	count(policy.deny) == 0 with input as with_waivers([waiver("2027-01-31T00:00:00.000Z")])
}

test_no_waivers_pass if {
	count(policy.deny) == 0 with input as fixtures.good
}

test_expired_waiver_fires if {
	findings := policy.deny with input as with_waivers([waiver("2027-01-31T00:00:00.000Z"), waiver("2026-10-31T00:00:00.000Z")])
	findings == {{
		"message": "waiver for infrastructure.deletion-protection on generated/terraform/us-west-2/cdk.tf.json resource.aws_rds_cluster.scratch, owned by @example-org/dba, expired at 2026-10-31T00:00:00.000Z (now 2026-11-20T12:00:00.000Z); expected an expiry in the future",
		"location": {"file": "policies/waivers.yaml", "path": "waivers[1]"},
	}}
}

test_waiver_expiring_now_has_expired if {
	count(policy.deny) == 1 with input as with_waivers([waiver(fixtures.now)])
}

test_waiver_of_a_whole_file_names_the_file if {
	whole_file := object.union(waiver("2026-10-31T00:00:00.000Z"), {"target": {"file": "regions/us-west-2.ts", "path": ""}})
	some finding in policy.deny with input as with_waivers([whole_file])
	startswith(finding.message, "waiver for infrastructure.deletion-protection on regions/us-west-2.ts, owned by")
}
