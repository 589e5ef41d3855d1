package multiregion.policies.read_only.not_every_region_read_only_test

import data.multiregion.policies.read_only.not_every_region_read_only as policy
import data.multiregion.test.fixtures

read_only(east, west) := [
	{"op": "replace", "path": "/regions/0/readOnly", "value": east},
	{"op": "replace", "path": "/regions/1/readOnly", "value": west},
]

maintenance(start, end) := [{"op": "add", "path": "/global/declarations/-", "value": {
	"kind": "maintenance", "name": "aurora-upgrade", "reason": "Aurora major version upgrade",
	"declaredBy": "@example-org/platform", "start": start, "end": end,
}}]

test_all_writable_passes if {
	count(policy.deny) == 0 with input as fixtures.good
}

test_one_writable_region_passes if {
	count(policy.deny) == 0 with input as fixtures.with_model(read_only(true, false))
}

test_every_region_read_only_during_maintenance_passes if {
	patch := array.concat(read_only(true, true), maintenance("2026-11-20T06:00:00.000Z", "2026-11-20T18:00:00.000Z"))
	count(policy.deny) == 0 with input as fixtures.with_model(patch)
}

test_every_region_read_only_fires_on_each_region if {
	findings := policy.deny with input as fixtures.with_model(read_only(true, true))
	message := "every region is read-only (us-east-1, us-west-2), so no region accepts writes, and no maintenance declared; expected readOnly false on at least one region outside a maintenance window"
	findings == {
		{"message": message, "location": {"file": "regions/us-east-1.ts", "path": "readOnly"}},
		{"message": message, "location": {"file": "regions/us-west-2.ts", "path": "readOnly"}},
	}
}

test_maintenance_outside_its_window_fires_and_names_the_window if {
	patch := array.concat(read_only(true, true), maintenance("2026-11-20T12:00:01.000Z", "2026-11-20T18:00:00.000Z"))
	findings := policy.deny with input as fixtures.with_model(patch)
	count(findings) == 2
	some f in findings
	f.message == "every region is read-only (us-east-1, us-west-2), so no region accepts writes, and no maintenance in force at 2026-11-20T12:00:00.000Z (declared: aurora-upgrade from 2026-11-20T12:00:01.000Z to 2026-11-20T18:00:00.000Z); expected readOnly false on at least one region outside a maintenance window"
}

test_failover_does_not_stand_in_for_maintenance if {
	failover := [{"op": "add", "path": "/global/declarations/-", "value": {
		"kind": "failover", "name": "east-outage", "from": "us-east-1", "to": "us-west-2",
		"reason": "us-east-1 database unreachable", "declaredBy": "@example-org/platform",
		"start": "2026-11-20T00:00:00.000Z", "end": "2026-11-21T00:00:00.000Z",
	}}]
	count(policy.deny) == 2 with input as fixtures.with_model(array.concat(read_only(true, true), failover))
}
