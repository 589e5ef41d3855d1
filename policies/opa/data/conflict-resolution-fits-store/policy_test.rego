package multiregion.policies.data.conflict_resolution_fits_store_test

import data.multiregion.policies.data.conflict_resolution_fits_store as policy
import data.multiregion.test.fixtures

add_data_set(data_set) := fixtures.with_model([{"op": "add", "path": "/replication/dataSets/-", "value": data_set}])

sessions(conflict_resolution) := {
	"name": "sessions",
	"store": "redis",
	"mode": "active-active",
	"conflictResolution": conflict_resolution,
	"rpoSeconds": 60,
	"lagAlertSeconds": 10,
	"residency": "us",
}

events(conflict_resolution) := {
	"name": "order-events",
	"store": "kafka",
	"mode": "active-active",
	"conflictResolution": conflict_resolution,
	"rpoSeconds": 60,
	"lagAlertSeconds": 10,
	"topics": ["orders.events"],
	"residency": "us",
}

test_active_passive_aurora_and_last_writer_wins_s3_pass if {
	count(policy.deny) == 0 with input as fixtures.good
}

test_aurora_active_active_fires_at_mode if {
	findings := policy.deny with input as fixtures.with_model([
		{"op": "replace", "path": "/replication/dataSets/0/mode", "value": "active-active"},
		{"op": "add", "path": "/replication/dataSets/0/conflictResolution", "value": {"strategy": "last-writer-wins"}},
	])
	findings == {{
		"message": "orders-db is an aurora data set in active-active mode, but an Aurora global database has a single writer region; expected active-passive",
		"location": {"file": "regions/replication-rules.yaml", "path": "dataSets[0].mode"},
	}}
}

test_active_active_without_conflict_resolution_fires if {
	findings := policy.deny with input as fixtures.with_model([{"op": "remove", "path": "/replication/dataSets/1/conflictResolution"}])
	findings == {{
		"message": "order-documents (s3, active-active) declares no conflictResolution, so concurrent writes in two regions are reconciled by chance; expected last-writer-wins (S3 replication keeps the latest version of an object)",
		"location": {"file": "regions/replication-rules.yaml", "path": "dataSets[1].conflictResolution"},
	}}
}

test_active_passive_without_conflict_resolution_passes if {
	count(policy.deny) == 0 with input as fixtures.with_model([
		{"op": "replace", "path": "/replication/dataSets/1/mode", "value": "active-passive"},
		{"op": "remove", "path": "/replication/dataSets/1/conflictResolution"},
	])
}

test_s3_with_a_crdt_fires if {
	findings := policy.deny with input as fixtures.with_model([{"op": "replace", "path": "/replication/dataSets/1/conflictResolution", "value": {"strategy": "crdt", "type": "or-set"}}])
	findings == {{
		"message": "order-documents (s3, active-active) resolves conflicts with crdt or-set, which s3 cannot apply; expected last-writer-wins (S3 replication keeps the latest version of an object)",
		"location": {"file": "regions/replication-rules.yaml", "path": "dataSets[1].conflictResolution"},
	}}
}

test_kafka_last_writer_wins_passes if {
	count(policy.deny) == 0 with input as add_data_set(events({"strategy": "last-writer-wins"}))
}

test_kafka_with_a_counter_crdt_fires if {
	findings := policy.deny with input as add_data_set(events({"strategy": "crdt", "type": "g-counter"}))
	[f.location.path | some f in findings] == ["dataSets[2].conflictResolution"]
}

test_redis_supported_crdts_and_last_writer_wins_pass if {
	every type in ["g-counter", "pn-counter", "lww-register", "or-set", "lww-map"] {
		count(policy.deny) == 0 with input as add_data_set(sessions({"strategy": "crdt", "type": type}))
	}
	count(policy.deny) == 0 with input as add_data_set(sessions({"strategy": "last-writer-wins"}))
}

test_redis_multi_value_register_fires if {
	findings := policy.deny with input as add_data_set(sessions({"strategy": "crdt", "type": "mv-register"}))
	findings == {{
		"message": "sessions (redis, active-active) resolves conflicts with crdt mv-register, which redis cannot apply; expected one of last-writer-wins, crdt g-counter, crdt pn-counter, crdt lww-register, crdt or-set, crdt lww-map (Redis active-active merges only these types)",
		"location": {"file": "regions/replication-rules.yaml", "path": "dataSets[2].conflictResolution"},
	}}
}
