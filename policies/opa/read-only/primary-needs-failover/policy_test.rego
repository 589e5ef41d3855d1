package multiregion.policies.read_only.primary_needs_failover_test

import data.multiregion.policies.read_only.primary_needs_failover as policy
import data.multiregion.test.fixtures

primary_read_only := [{"op": "replace", "path": "/regions/0/readOnly", "value": true}]

failover(from, to, start, end) := [{"op": "add", "path": "/global/declarations/-", "value": {
	"kind": "failover", "name": "east-outage", "from": from, "to": to,
	"reason": "us-east-1 database unreachable", "declaredBy": "@example-org/platform",
	"start": start, "end": end,
}}]

today := ["2026-11-20T00:00:00.000Z", "2026-11-21T00:00:00.000Z"]

test_writable_primary_passes if {
	count(policy.deny) == 0 with input as fixtures.good
}

test_read_only_secondary_passes if {
	count(policy.deny) == 0 with input as fixtures.with_model([{"op": "replace", "path": "/regions/1/readOnly", "value": true}])
}

test_read_only_primary_during_failover_from_it_passes if {
	patch := array.concat(primary_read_only, failover("us-east-1", "us-west-2", today[0], today[1]))
	count(policy.deny) == 0 with input as fixtures.with_model(patch)
}

test_read_only_primary_without_failover_fires if {
	findings := policy.deny with input as fixtures.with_model(primary_read_only)
	findings == {{
		"message": "primary region us-east-1 is read-only with no failover from us-east-1 in force at 2026-11-20T12:00:00.000Z (no failover declared); expected readOnly false, or a failover declaration with from \"us-east-1\" in force",
		"location": {"file": "regions/us-east-1.ts", "path": "readOnly"},
	}}
}

test_failover_from_another_region_does_not_count if {
	patch := array.concat(primary_read_only, failover("us-west-2", "us-east-1", today[0], today[1]))
	findings := policy.deny with input as fixtures.with_model(patch)
	findings == {{
		"message": "primary region us-east-1 is read-only with no failover from us-east-1 in force at 2026-11-20T12:00:00.000Z (declared failovers: east-outage from us-west-2 (2026-11-20T00:00:00.000Z to 2026-11-21T00:00:00.000Z)); expected readOnly false, or a failover declaration with from \"us-east-1\" in force",
		"location": {"file": "regions/us-east-1.ts", "path": "readOnly"},
	}}
}

test_ended_failover_does_not_count if {
	patch := array.concat(primary_read_only, failover("us-east-1", "us-west-2", "2026-11-19T00:00:00.000Z", "2026-11-20T12:00:00.000Z"))
	findings := policy.deny with input as fixtures.with_model(patch)
	{f.location | some f in findings} == {{"file": "regions/us-east-1.ts", "path": "readOnly"}}
}

test_maintenance_does_not_stand_in_for_failover if {
	maintenance := [{"op": "add", "path": "/global/declarations/-", "value": {
		"kind": "maintenance", "name": "aurora-upgrade", "reason": "Aurora major version upgrade",
		"declaredBy": "@example-org/platform", "start": today[0], "end": today[1],
	}}]
	count(policy.deny) == 1 with input as fixtures.with_model(array.concat(primary_read_only, maintenance))
}

test_every_region_read_only_during_maintenance_passes if {
	maintenance := {"kind": "maintenance", "name": "db-upgrade", "reason": "engine upgrade", "declaredBy": "@example-org/dba", "start": "2026-11-20T00:00:00.000Z", "end": "2026-11-21T00:00:00.000Z"}
	count(policy.deny) == 0 with input as fixtures.with_model([
		{"op": "replace", "path": "/regions/0/readOnly", "value": true},
		{"op": "replace", "path": "/regions/1/readOnly", "value": true},
		{"op": "add", "path": "/global/declarations/-", "value": maintenance},
	])
}
