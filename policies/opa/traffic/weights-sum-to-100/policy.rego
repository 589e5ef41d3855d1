# METADATA
# title: Serving weights sum to 100
# description: Route 53 weighted records and Global Accelerator traffic dials take percentages; the weights of all regions must add up to 100 so the shares people review are the shares users get.
# custom:
#   severity: high
#   remediation: Adjust traffic.weight in the region files so that they add up to 100 (a region that should not serve gets 0).
package multiregion.policies.traffic.weights_sum_to_100

import data.multiregion.lib

total := sum([region.traffic.weight | some region in input.model.regions])

breakdown := concat(" + ", [sprintf("%s=%v", [region.id, region.traffic.weight]) | some region in input.model.regions])

deny contains {
	"message": sprintf("weights of serving regions sum to %v (%s), expected 100", [total, breakdown]),
	"location": lib.region_path(region.id, "traffic.weight"),
} if {
	total != 100
	some region in lib.serving_regions
}

# With no serving region at all the fix can be in any region file, so every one is named.
deny contains {
	"message": sprintf("no region serves traffic (%s), expected weights summing to 100", [breakdown]),
	"location": lib.region_path(region.id, "traffic.weight"),
} if {
	count(lib.serving_regions) == 0
	some region in input.model.regions
}
