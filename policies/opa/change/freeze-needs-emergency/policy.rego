# METADATA
# title: Changes during a freeze need a declared emergency
# description: A change freeze covers the windows when an outage costs most (peak season); the business agreed that only emergency fixes, approved by the CAB, ship then. Anything that deploys or decides what deploys (regions/, apps/, generated/, modules/, policies/, CODEOWNERS) counts, and a freeze the base has in force still counts when the change shortens or removes it.
# custom:
#   severity: critical
#   remediation: Wait until the freeze ends, or declare an emergency in regions/global.yaml (declarations, kind emergency, with reason, declaredBy, approvedBy from the CAB and a window covering now).
package multiregion.policies.change.freeze_needs_emergency

import data.multiregion.lib
import data.multiregion.lib.change

deny contains {
	"message": sprintf(
		"the change touches %s during change freeze %s (%s to %s: %s) while no emergency declaration is in force; expected an emergency approved by the CAB",
		[change.plural(count(change.deployable_changes), "deployable file"), freeze.name, freeze.start, freeze.end, freeze.reason],
	),
	"location": lib.location(lib.global_file, sprintf("changeFreezes[%d]", [i])),
} if {
	frozen_change
	some i, freeze in input.model.global.changeFreezes
	lib.in_force(freeze)
}

# Ending or deleting the freeze in the same pull request must not lift it for that pull request.
deny contains {
	"message": sprintf(
		"the change touches %s during change freeze %s (%s to %s at the base), which this change ends or removes, while no emergency declaration is in force; expected an emergency approved by the CAB",
		[change.plural(count(change.deployable_changes), "deployable file"), freeze.name, freeze.start, freeze.end],
	),
	"location": lib.location(lib.global_file, head_freeze_path(freeze.name)),
} if {
	frozen_change
	some freeze in input.base.model.global.changeFreezes
	lib.in_force(freeze)
	not in_force_at_head(freeze.name)
}

frozen_change if {
	change.has_change
	count(change.deployable_changes) > 0
	not lib.declared("emergency")
}

in_force_at_head(name) if {
	some freeze in input.model.global.changeFreezes
	freeze.name == name
	lib.in_force(freeze)
}

head_freeze_path(name) := sprintf("changeFreezes[%d]", [indexes[0]]) if {
	indexes := [i |
		some i, freeze in input.model.global.changeFreezes
		freeze.name == name
	]
	count(indexes) > 0
} else := "changeFreezes"
