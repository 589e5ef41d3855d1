# METADATA
# title: Active-active conflict resolution fits the store
# description: "When two regions accept writes to the same data, concurrent writes are reconciled by whatever the store can apply, not by what the team hoped for. An Aurora global database has a single writer region, so it cannot be active-active at all. S3 replication keeps the latest version of an object and Kafka's keyed, compacted topics keep the latest record per key, so both can only be last-writer-wins. Redis active-active merges with last-writer-wins or the CRDTs it implements: g-counter, pn-counter, lww-register, or-set and lww-map. An active-active data set without a declared resolution leaves that choice to chance."
# custom:
#   severity: critical
#   remediation: Make aurora data sets active-passive; declare a conflictResolution the store supports on every active-active data set, or make it active-passive.
package multiregion.policies.data.conflict_resolution_fits_store

import data.multiregion.lib.data as datasets

# Why each store reconciles concurrent writes only as listed, quoted in findings.
stores := {
	"s3": {
		"resolutions": ["last-writer-wins"],
		"why": "S3 replication keeps the latest version of an object",
	},
	"kafka": {
		"resolutions": ["last-writer-wins"],
		"why": "a keyed, compacted topic keeps the latest record per key",
	},
	"redis": {
		"resolutions": ["last-writer-wins", "crdt g-counter", "crdt pn-counter", "crdt lww-register", "crdt or-set", "crdt lww-map"],
		"why": "Redis active-active merges only these types",
	},
}

resolution(conflict_resolution) := sprintf("crdt %s", [conflict_resolution.type]) if {
	conflict_resolution.strategy == "crdt"
} else := conflict_resolution.strategy

expected(store) := sprintf("expected %s", [stores[store].resolutions[0]]) if {
	count(stores[store].resolutions) == 1
} else := sprintf("expected one of %s", [concat(", ", stores[store].resolutions)])

active_active contains [index, data_set] if {
	some index, data_set in input.model.replication.dataSets
	data_set.mode == "active-active"
}

deny contains {
	"message": sprintf("%s is an aurora data set in active-active mode, but an Aurora global database has a single writer region; expected active-passive", [data_set.name]),
	"location": datasets.field_location(index, "mode"),
} if {
	some [index, data_set] in active_active
	data_set.store == "aurora"
}

deny contains {
	"message": sprintf("%s declares no conflictResolution, so concurrent writes in two regions are reconciled by chance; %s (%s)", [
		datasets.label(data_set),
		expected(data_set.store),
		stores[data_set.store].why,
	]),
	"location": datasets.field_location(index, "conflictResolution"),
} if {
	some [index, data_set] in active_active
	not data_set.conflictResolution
	stores[data_set.store]
}

deny contains {
	"message": sprintf("%s resolves conflicts with %s, which %s cannot apply; %s (%s)", [
		datasets.label(data_set),
		resolution(data_set.conflictResolution),
		data_set.store,
		expected(data_set.store),
		stores[data_set.store].why,
	]),
	"location": datasets.field_location(index, "conflictResolution"),
} if {
	some [index, data_set] in active_active
	data_set.conflictResolution
	fits := stores[data_set.store].resolutions
	not resolution(data_set.conflictResolution) in fits
}
