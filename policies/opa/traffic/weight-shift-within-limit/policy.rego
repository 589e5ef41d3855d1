# METADATA
# title: Traffic shifts stay within the change-control limit
# description: A region receiving a large share of traffic at once meets it with cold caches and node groups still scaling, so a routine change may move at most global.changeControl.maxWeightShiftPoints weight points; larger moves are for declared failovers, where the risk is accepted for the outage it answers.
# custom:
#   severity: medium
#   remediation: Split the shift into successive changes of at most maxWeightShiftPoints points each, or declare a failover in global.declarations that covers now if the shift answers an outage.
package multiregion.policies.traffic.weight_shift_within_limit

import data.multiregion.lib

# The stricter of base and head, so a change cannot raise the limit and use it at once.
limit := min({input.model.global.changeControl.maxWeightShiftPoints, object.get(input.base, ["model", "global", "changeControl", "maxWeightShiftPoints"], 100)})

changed_region_ids contains id if {
	some id in lib.compared_region_ids
	lib.head_weight(id) != lib.base_weight(id)
}

# head_weight and base_weight read a missing region as 0; saying so keeps "0" from looking like an edit.
weight_change(id) := sprintf("%v→%v", [lib.base_weight(id), lib.head_weight(id)]) if {
	lib.region_by_id(id)
	lib.base_region_by_id(id)
} else := sprintf("%v→%v (removed)", [lib.base_weight(id), lib.head_weight(id)]) if {
	lib.base_region_by_id(id)
} else := sprintf("%v→%v (new)", [lib.base_weight(id), lib.head_weight(id)])

shifts := concat(", ", [sprintf("%s %s", [id, weight_change(id)]) | some id in sort(changed_region_ids)])

# A region removed by the change has no file in the head; its weight was edited in the base's file.
weight_file(id) := file if file := lib.region_file(id)

else := input.base.sources.regions[id]

deny contains {
	"message": sprintf(
		"%s traffic.weight %s is part of a change moving %v weight points (%s); expected at most %v (global.changeControl.maxWeightShiftPoints) unless a failover is declared",
		[id, weight_change(id), lib.weight_shift_points, shifts, limit],
	),
	"location": lib.location(weight_file(id), "traffic.weight"),
} if {
	lib.comparing
	lib.weight_shift_points > limit
	not lib.declared("failover")
	some id in changed_region_ids
}
