# METADATA
# title: No more traffic to a failing region
# description: While monitoring reports a region as failing, every extra point of weight it gets sends more users to errors; a change may hold or lower a failing region's share, never raise it.
# custom:
#   severity: high
#   remediation: Keep traffic.weight of the failing region at or below its weight in the base branch (move the share to a healthy region instead), and raise it only once monitoring reports the region healthy.
package multiregion.policies.traffic.no_more_traffic_to_failing_region

import data.multiregion.lib

base_weight_text(id) := sprintf("%v", [lib.base_weight(id)]) if lib.base_region_by_id(id)

else := "0 (new region)"

deny contains {
	"message": sprintf(
		"%s is failing according to monitoring and this change raises its traffic.weight from %s to %v; expected at most %v while it is failing",
		[region.id, base_weight_text(region.id), region.traffic.weight, lib.base_weight(region.id)],
	),
	"location": lib.region_path(region.id, "traffic.weight"),
} if {
	lib.comparing
	some region in input.model.regions
	input.health[region.id] == "failing"
	region.traffic.weight > lib.base_weight(region.id)
}
