# METADATA
# title: Not every region is read-only
# description: With every region read-only the application rejects all writes everywhere, a full outage for anyone placing an order; that is acceptable only as a planned, declared maintenance window.
# custom:
#   severity: critical
#   remediation: Set readOnly to false in at least one region (normally the primary), or declare a maintenance in global.declarations whose start and end cover the intended read-only window.
package multiregion.policies.read_only.not_every_region_read_only

import data.multiregion.lib

all_read_only if {
	count(input.model.regions) > 0
	every region in input.model.regions {
		region.readOnly
	}
}

region_ids := concat(", ", [region.id | some region in input.model.regions])

# A maintenance that was declared but has ended or not yet started is the likely reason for the
# finding, so the message names its window.
window(declaration) := sprintf("%s from %s to %s", [declaration.name, declaration.start, declaration.end])

maintenance_note := sprintf("no maintenance in force at %s (declared: %s)", [input.now, concat("; ", windows)]) if {
	windows := [window(declaration) |
		some declaration in input.model.global.declarations
		declaration.kind == "maintenance"
	]
	count(windows) > 0
} else := "no maintenance declared"

deny contains {
	"message": sprintf(
		"every region is read-only (%s), so no region accepts writes, and %s; expected readOnly false on at least one region outside a maintenance window",
		[region_ids, maintenance_note],
	),
	"location": lib.region_path(region.id, "readOnly"),
} if {
	all_read_only
	not lib.declared("maintenance")
	some region in input.model.regions
}
