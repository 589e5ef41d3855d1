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

# Seconds since 1970 of a loader-normalised UTC date-time ("2026-11-20T12:00:00.000Z", milliseconds
# dropped), for the rules that need a distance between two instants: the wasm SDK has no time parser.
epoch_seconds(t) := (((((days_from_civil(year, month, day) * 24) + hour) * 60) + minute) * 60) + second if {
	year := to_number(substring(t, 0, 4))
	month := to_number(substring(t, 5, 2))
	day := to_number(substring(t, 8, 2))
	hour := to_number(substring(t, 11, 2))
	minute := to_number(substring(t, 14, 2))
	second := to_number(substring(t, 17, 2))
}

# Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): years start in
# March, so the leap day is the last day of its year and each 400-year era has 146097 days.
days_from_civil(year, month, day) := ((era * 146097) + day_of_era) - 719468 if {
	y := march_year(year, month)
	era := floor(y / 400)
	year_of_era := y - (era * 400)
	day_of_year := (floor(((153 * ((month + 9) % 12)) + 2) / 5) + day) - 1
	day_of_era := (((year_of_era * 365) + floor(year_of_era / 4)) - floor(year_of_era / 100)) + day_of_year
}

march_year(year, month) := year - 1 if month <= 2

else := year

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
