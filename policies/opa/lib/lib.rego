# METADATA
# title: Shared vocabulary of the multi-region policies
# description: Locations, serving regions, declarations in force and the base model of a change.
package multiregion.lib

# Where a finding points: a repository-relative file and a dotted path inside it.
location(file, path) := {"file": file, "path": path}

region_file(id) := input.sources.regions[id]

global_file := input.sources.global

replication_file := input.sources.replicationRules

app_file(name) := input.sources.apps[name]

region_path(id, path) := location(region_file(id), path)

# A region serves when DNS and the accelerator send it a share of the traffic.
serving(region) if region.traffic.weight > 0

serving_regions contains region if {
	some region in input.model.regions
	serving(region)
}

primary_region := region if {
	some region in input.model.regions
	region.role == "primary"
}

region_by_id(id) := region if {
	some region in input.model.regions
	region.id == id
}

# Date-times in the model are normalised to UTC by the loader, so they order as strings.
in_force(declaration) if {
	declaration.start <= input.now
	input.now < declaration.end
}

declarations_in_force(kind) := [declaration |
	some declaration in input.model.global.declarations
	declaration.kind == kind
	in_force(declaration)
]

declared(kind) if count(declarations_in_force(kind)) > 0

# The pull request's base, when the input compares a change; absent otherwise.
comparing if is_object(input.base)

base_region_by_id(id) := region if {
	comparing
	some region in input.base.model.regions
	region.id == id
}

base_weight(id) := region.traffic.weight if {
	region := base_region_by_id(id)
} else := 0

head_weight(id) := region.traffic.weight if {
	region := region_by_id(id)
} else := 0

compared_region_ids := {region.id | some region in input.model.regions} | {region.id | some region in input.base.model.regions}

# Weight points a change moves between regions: half the summed absolute differences, since every
# point one region loses another gains (a 50/50 → 30/70 change moves 20 points).
weight_shift_points := sum([abs(head_weight(id) - base_weight(id)) | some id in compared_region_ids]) / 2 if comparing

else := 0
