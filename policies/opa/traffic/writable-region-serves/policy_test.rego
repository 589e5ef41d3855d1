package multiregion.policies.traffic.writable_region_serves_test

import data.multiregion.policies.traffic.writable_region_serves as policy
import data.multiregion.test.fixtures

read_only(east, west) := [
	{"op": "replace", "path": "/regions/0/readOnly", "value": east},
	{"op": "replace", "path": "/regions/1/readOnly", "value": west},
]

test_both_regions_serving_and_writable_passes if {
	count(policy.deny) == 0 with input as fixtures.good
}

test_one_read_only_region_passes_while_the_other_serves_writes if {
	count(policy.deny) == 0 with input as fixtures.with_model(read_only(false, true))
}

test_read_only_region_without_traffic_passes_when_the_writer_takes_all if {
	count(policy.deny) == 0 with input as fixtures.with_model(array.concat(fixtures.weights(100, 0), read_only(false, true)))
}

test_every_region_read_only_fires_on_each_read_only_flag if {
	findings := policy.deny with input as fixtures.with_model(read_only(true, true))
	findings == {
		{
			"message": "no region both serves traffic and accepts writes (us-east-1 weight 50 read-only, us-west-2 weight 50 read-only); us-east-1 is read-only with traffic.weight 50, expected readOnly false on at least one region with traffic.weight > 0",
			"location": {"file": "regions/us-east-1.ts", "path": "readOnly"},
		},
		{
			"message": "no region both serves traffic and accepts writes (us-east-1 weight 50 read-only, us-west-2 weight 50 read-only); us-west-2 is read-only with traffic.weight 50, expected readOnly false on at least one region with traffic.weight > 0",
			"location": {"file": "regions/us-west-2.ts", "path": "readOnly"},
		},
	}
}

# Traffic moved to us-west-2 while the writer stayed in us-east-1.
test_traffic_only_to_read_only_region_fires_on_both_regions if {
	findings := policy.deny with input as fixtures.with_model(array.concat(fixtures.weights(0, 100), read_only(false, true)))
	findings == {
		{
			"message": "no region both serves traffic and accepts writes (us-east-1 weight 0 writable, us-west-2 weight 100 read-only); us-east-1 accepts writes but has traffic.weight 0, expected traffic.weight > 0 on at least one writable region (or readOnly false on a serving one)",
			"location": {"file": "regions/us-east-1.ts", "path": "traffic.weight"},
		},
		{
			"message": "no region both serves traffic and accepts writes (us-east-1 weight 0 writable, us-west-2 weight 100 read-only); us-west-2 is read-only with traffic.weight 100, expected readOnly false on at least one region with traffic.weight > 0",
			"location": {"file": "regions/us-west-2.ts", "path": "readOnly"},
		},
	}
}

test_no_region_serving_fires_at_every_weight if {
	findings := policy.deny with input as fixtures.with_model(fixtures.weights(0, 0))
	{f.location | some f in findings} == {
		{"file": "regions/us-east-1.ts", "path": "traffic.weight"},
		{"file": "regions/us-west-2.ts", "path": "traffic.weight"},
	}
}

test_every_region_read_only_during_maintenance_passes if {
	maintenance := {"kind": "maintenance", "name": "db-upgrade", "reason": "engine upgrade", "declaredBy": "@example-org/dba", "start": "2026-11-20T00:00:00.000Z", "end": "2026-11-21T00:00:00.000Z"}
	count(policy.deny) == 0 with input as fixtures.with_model([
		{"op": "replace", "path": "/regions/0/readOnly", "value": true},
		{"op": "replace", "path": "/regions/1/readOnly", "value": true},
		{"op": "add", "path": "/global/declarations/-", "value": maintenance},
	])
}
