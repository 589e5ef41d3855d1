package multiregion.lib_test

import data.multiregion.lib
import data.multiregion.test.fixtures

test_weight_shift_counts_points_moved_once if {
	lib.weight_shift_points == 20 with input as fixtures.changed(fixtures.weights(50, 50), fixtures.weights(30, 70))
}

test_weight_shift_is_zero_without_a_base if {
	lib.weight_shift_points == 0 with input as fixtures.good
}

test_declaration_in_force_only_inside_its_window if {
	failover := {"kind": "failover", "name": "drill", "from": "us-east-1", "to": "us-west-2", "start": "2026-11-20T00:00:00.000Z", "end": "2026-11-21T00:00:00.000Z"}
	lib.declared("failover") with input as fixtures.with_model([{"op": "add", "path": "/global/declarations/-", "value": failover}])
	not lib.declared("failover") with input as object.union(fixtures.with_model([{"op": "add", "path": "/global/declarations/-", "value": failover}]), {"now": "2026-11-21T00:00:00.000Z"})
}

test_epoch_seconds_counts_from_1970 if {
	lib.epoch_seconds("1970-01-01T00:00:00.000Z") == 0
	lib.epoch_seconds("2000-03-01T00:00:01.999Z") == 951868801
	lib.epoch_seconds("2024-02-29T12:00:00.000Z") == 1709208000
	lib.epoch_seconds("2026-11-20T12:00:00.000Z") == 1795176000
}
