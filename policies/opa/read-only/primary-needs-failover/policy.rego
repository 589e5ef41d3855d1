# METADATA
# title: A read-only primary needs a declared failover
# description: The primary holds the database writer; making it read-only is only safe as part of a failover that moves the writer elsewhere, so it must be backed by a failover declaration from the primary that is in force, which records who decided it and for how long.
# custom:
#   severity: critical
#   remediation: Set readOnly to false on the primary region, or declare a failover in global.declarations with from set to the primary's id and a start and end that cover now (a maintenance covers it only while every region is read-only).
package multiregion.policies.read_only.primary_needs_failover

import data.multiregion.lib

failover_from_primary_in_force if {
	some declaration in lib.declarations_in_force("failover")
	declaration.from == lib.primary_region.id
}

# A maintenance that stops writes in every region moves no writer, which is safe; a read-only primary
# beside a writable secondary is a failover whatever it is called.
failover_from_primary_in_force if {
	lib.declared("maintenance")
	every region in input.model.regions {
		region.readOnly
	}
}

# A failover that names another region, or whose window does not cover now, is the likely reason
# for the finding, so the message lists each with its window.
window(declaration) := sprintf("%s from %s (%s to %s)", [declaration.name, declaration.from, declaration.start, declaration.end])

failover_note := sprintf("declared failovers: %s", [concat("; ", windows)]) if {
	windows := [window(declaration) |
		some declaration in input.model.global.declarations
		declaration.kind == "failover"
	]
	count(windows) > 0
} else := "no failover declared"

deny contains {
	"message": sprintf(
		"primary region %s is read-only with no failover from %s in force at %s (%s); expected readOnly false, or a failover declaration with from \"%s\" in force",
		[primary.id, primary.id, input.now, failover_note, primary.id],
	),
	"location": lib.region_path(primary.id, "readOnly"),
} if {
	primary := lib.primary_region
	primary.readOnly
	not failover_from_primary_in_force
}
