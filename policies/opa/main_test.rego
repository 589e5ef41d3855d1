package multiregion.main_test

import data.multiregion.main
import data.multiregion.test.fixtures

waiver(path) := {"policy": "traffic.weights-sum-to-100", "target": {"file": "regions/us-west-2.ts", "path": path}, "reason": "load test", "owner": "@example-org/sre", "expires": "2026-12-01T00:00:00.000Z"}

overweight(waivers) := object.union(fixtures.with_model(fixtures.weights(60, 60)), {"waivers": waivers})

test_waiver_covers_its_path if {
	waived := {f.location.file | some f in main.findings; f.waiver} with input as overweight([waiver("traffic.weight")])
	waived == {"regions/us-west-2.ts"}
}

test_waiver_covers_paths_below_its_own if {
	waived := {f.location.file | some f in main.findings; f.waiver} with input as overweight([waiver("traffic")])
	waived == {"regions/us-west-2.ts"}
}

test_waiver_does_not_cover_a_sibling_with_the_same_prefix if {
	waived := {f.location.file | some f in main.findings; f.waiver} with input as overweight([waiver("traffic.wei")])
	count(waived) == 0
}

test_expired_waiver_covers_nothing if {
	expired := object.union(waiver("traffic.weight"), {"expires": "2026-11-01T00:00:00.000Z"})
	waived := {f.location.file | some f in main.findings; f.waiver} with input as overweight([expired])
	count(waived) == 0
}
