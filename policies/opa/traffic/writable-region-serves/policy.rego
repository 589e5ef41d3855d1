# METADATA
# title: A serving region accepts writes
# description: Users are routed only to regions with a traffic weight above 0; if every one of them is read-only, every write fails even though some region may still hold a writable database that nobody reaches.
# custom:
#   severity: critical
#   remediation: Set readOnly to false in a region with traffic.weight above 0 (normally the primary), give traffic.weight to a writable region, or declare a maintenance in global.declarations if writes are meant to stop.
package multiregion.policies.traffic.writable_region_serves

import data.multiregion.lib

serving_writer if {
	some region in lib.serving_regions
	not region.readOnly
}

# During declared maintenance every region may be read-only on purpose (not-every-region-read-only).
serving_writer if lib.declared("maintenance")

mode(region) := "read-only" if region.readOnly

else := "writable"

state := concat(", ", [sprintf("%s weight %v %s", [region.id, region.traffic.weight, mode(region)]) |
	some region in input.model.regions
])

# A read-only region is fixed by lifting readOnly, so the finding points there.
deny contains {
	"message": sprintf(
		"no region both serves traffic and accepts writes (%s); %s is read-only with traffic.weight %v, expected readOnly false on at least one region with traffic.weight > 0",
		[state, region.id, region.traffic.weight],
	),
	"location": lib.region_path(region.id, "readOnly"),
} if {
	not serving_writer
	some region in input.model.regions
	region.readOnly
}

# A writable region here necessarily has weight 0, so what would fix it is its traffic.weight.
deny contains {
	"message": sprintf(
		"no region both serves traffic and accepts writes (%s); %s accepts writes but has traffic.weight %v, expected traffic.weight > 0 on at least one writable region (or readOnly false on a serving one)",
		[state, region.id, region.traffic.weight],
	),
	"location": lib.region_path(region.id, "traffic.weight"),
} if {
	not serving_writer
	some region in input.model.regions
	not region.readOnly
}
