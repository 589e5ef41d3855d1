package multiregion.policies.change.freeze_needs_emergency_test

import data.multiregion.policies.change.freeze_needs_emergency as policy
import data.multiregion.test.fixtures

during_peak := "2026-11-27T09:00:00.000Z"

emergency := {
	"kind": "emergency", "name": "payment-outage", "reason": "card payments failing",
	"declaredBy": "@example-org/sre", "approvedBy": "@example-org/cab",
	"start": "2026-11-27T08:00:00.000Z", "end": "2026-11-27T20:00:00.000Z",
}

add_emergency := [{"op": "add", "path": "/global/declarations/-", "value": emergency}]

# A pull request from the good model to the head_patch-edited one, changing `paths`, judged at `now`.
change_at(now, head_patch, paths) := object.union(fixtures.changed([], head_patch), {
	"now": now,
	"change": {"files": [{"path": path, "status": "modified"} | some path in paths], "terraform": {}, "manifests": {}},
})

test_region_change_during_freeze_fires if {
	findings := policy.deny with input as change_at(during_peak, [], ["regions/us-west-2.ts", "generated/terraform/us-west-2/cdk.tf.json", "docs/runbook.md"])
	findings == {{
		"message": "the change touches 2 deployable files during change freeze peak (2026-11-26T00:00:00.000Z to 2026-12-02T00:00:00.000Z: peak season) while no emergency declaration is in force; expected an emergency approved by the CAB",
		"location": {"file": "regions/global.yaml", "path": "changeFreezes[0]"},
	}}
}

test_codeowners_change_during_freeze_fires if {
	count(policy.deny) == 1 with input as change_at(during_peak, [], ["CODEOWNERS"])
}

test_declared_emergency_passes if {
	count(policy.deny) == 0 with input as change_at(during_peak, add_emergency, ["regions/us-west-2.ts"])
}

test_emergency_outside_its_window_does_not_help if {
	count(policy.deny) == 1 with input as change_at("2026-11-28T09:00:00.000Z", add_emergency, ["regions/us-west-2.ts"])
}

test_change_before_freeze_passes if {
	count(policy.deny) == 0 with input as change_at("2026-11-25T23:59:59.999Z", [], ["regions/us-west-2.ts"])
}

test_freeze_end_is_exclusive if {
	count(policy.deny) == 0 with input as change_at("2026-12-02T00:00:00.000Z", [], ["regions/us-west-2.ts"])
}

test_docs_only_change_during_freeze_passes if {
	count(policy.deny) == 0 with input as change_at(during_peak, [], ["docs/runbook.md", "README.md"])
}

test_no_change_being_judged_passes if {
	count(policy.deny) == 0 with input as object.union(fixtures.good, {"now": during_peak})
}

test_removing_the_freeze_does_not_lift_it if {
	findings := policy.deny with input as change_at(during_peak, [{"op": "replace", "path": "/global/changeFreezes", "value": []}], ["regions/global.yaml"])
	findings == {{
		"message": "the change touches 1 deployable file during change freeze peak (2026-11-26T00:00:00.000Z to 2026-12-02T00:00:00.000Z at the base), which this change ends or removes, while no emergency declaration is in force; expected an emergency approved by the CAB",
		"location": {"file": "regions/global.yaml", "path": "changeFreezes"},
	}}
}

test_ending_the_freeze_early_does_not_lift_it if {
	findings := policy.deny with input as change_at(during_peak, [{"op": "replace", "path": "/global/changeFreezes/0/end", "value": "2026-11-27T00:00:00.000Z"}], ["regions/global.yaml"])
	{f.location.path | some f in findings} == {"changeFreezes[0]"}
}
