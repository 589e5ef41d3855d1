package multiregion.policies.traffic.no_more_traffic_to_failing_region_test

import data.multiregion.policies.traffic.no_more_traffic_to_failing_region as policy
import data.multiregion.test.fixtures

west_failing(inp) := object.union(inp, {"health": {"us-east-1": "healthy", "us-west-2": "failing"}})

test_lowering_a_failing_region_passes if {
	count(policy.deny) == 0 with input as west_failing(fixtures.changed(fixtures.weights(50, 50), fixtures.weights(80, 20)))
}

test_keeping_a_failing_region_weight_passes if {
	count(policy.deny) == 0 with input as west_failing(fixtures.changed(fixtures.weights(50, 50), fixtures.weights(50, 50)))
}

test_raising_a_healthy_region_passes if {
	count(policy.deny) == 0 with input as west_failing(fixtures.changed(fixtures.weights(50, 50), fixtures.weights(70, 30)))
}

test_raising_a_region_of_unknown_health_passes if {
	inp := fixtures.changed(fixtures.weights(50, 50), fixtures.weights(30, 70))
	count(policy.deny) == 0 with input as object.union(inp, {"health": {"us-east-1": "failing"}})
}

test_no_findings_without_a_base if {
	count(policy.deny) == 0 with input as west_failing(fixtures.with_model(fixtures.weights(0, 100)))
}

test_raising_a_failing_region_fires if {
	findings := policy.deny with input as west_failing(fixtures.changed(fixtures.weights(50, 50), fixtures.weights(40, 60)))
	findings == {{
		"message": "us-west-2 is failing according to monitoring and this change raises its traffic.weight from 50 to 60; expected at most 50 while it is failing",
		"location": {"file": "regions/us-west-2.ts", "path": "traffic.weight"},
	}}
}

test_new_failing_region_with_traffic_fires_from_zero if {
	head := [
		{"op": "add", "path": "/regions/-", "value": fixtures.region("eu-west-1", "secondary", 10)},
		{"op": "replace", "path": "/regions/0/traffic/weight", "value": 40},
	]
	inp := fixtures.changed([], head)
	findings := policy.deny with input as object.union(inp, {
		"sources": {"regions": {"eu-west-1": "regions/eu-west-1.ts"}},
		"health": {"eu-west-1": "failing"},
	})
	findings == {{
		"message": "eu-west-1 is failing according to monitoring and this change raises its traffic.weight from 0 (new region) to 10; expected at most 0 while it is failing",
		"location": {"file": "regions/eu-west-1.ts", "path": "traffic.weight"},
	}}
}
