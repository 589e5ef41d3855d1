# METADATA
# title: Change classification
# description: Which approval a pull request needs, from standard (pre-approved, merge on review) through normal and cab-required to emergency, with every rule that applied and why, so the board spends its time on the changes that can take both regions down.
package multiregion.classification

import data.multiregion.lib
import data.multiregion.lib.change
import data.multiregion.policies.change.release_barrier_skipped as release_barrier

# Higher ranks need more approval; the class of a change is the highest any reason gives it.
class_rank := {"standard": 0, "normal": 1, "cab-required": 2, "emergency": 3}

reason(rule, class, message) := {"rule": rule, "class": class, "message": message}

# Removing one of these destroys data or the keys to it; a later apply cannot bring it back.
region_wide_folders := {"_cluster", "argocd", "monitoring"}

stateful_types := {
	"aws_rds_cluster",
	"aws_rds_global_cluster",
	"aws_db_instance",
	"aws_s3_bucket",
	"aws_elasticache_replication_group",
	"aws_elasticache_global_replication_group",
	"aws_msk_cluster",
	"aws_kms_key",
	"aws_dynamodb_table",
	"aws_efs_file_system",
}

# App rollouts to Kubernetes go out behind a canary that rolls back on its own; docs deploy nothing.
canary_protected(path) if startswith(path, "apps/")

# Only an app's own folder rolls out behind its canary: cluster policies, Argo CD projects and
# applications, and the region's alerts apply to the whole region at once.
canary_protected(path) if {
	["generated", "k8s", _, folder, _] = split(path, "/")
	not folder in region_wide_folders
}

canary_protected(path) if startswith(path, "docs/")

# Changing the policies or the review rules changes how every later change is judged.
judges(path) if startswith(path, "policies/")

judges(path) if path == "CODEOWNERS"

stack_counts(stack) := sprintf("%d added, %d changed, %d removed", [
	count(changes.added),
	count(changes.changed),
	count(changes.removed),
]) if {
	changes := change.terraform_changes[stack]
}

changed_stacks := concat(", ", [sprintf("%s (%s)", [stack, stack_counts(stack)]) | some stack in sort({stack | some stack, _ in change.terraform_changes})])

base_regions := {region.id: region | some region in input.base.model.regions}

head_regions := {region.id: region | some region in input.model.regions}

# Present on both sides: additions and removals have their own rule.
kept_region_ids := {id | some id, _ in head_regions; base_regions[id]}

read_only_changed contains id if {
	some id in kept_region_ids
	object.get(base_regions[id], "readOnly", false) != object.get(head_regions[id], "readOnly", false)
}

# A region that is primary on either side holds or takes over the only database writer.
primary_on_either_side(id) if base_regions[id].role == "primary"

primary_on_either_side(id) if head_regions[id].role == "primary"

read_only_change(id) := sprintf("%s readOnly %v→%v", [
	id,
	object.get(base_regions[id], "readOnly", false),
	object.get(head_regions[id], "readOnly", false),
])

primary_read_only_changes := [read_only_change(id) | some id in sort(read_only_changed); primary_on_either_side(id)]

secondary_read_only_changes := [read_only_change(id) | some id in sort(read_only_changed); not primary_on_either_side(id)]

role_changes := [sprintf("%s role %s→%s", [id, base_regions[id].role, head_regions[id].role]) |
	some id in sort(kept_region_ids)
	base_regions[id].role != head_regions[id].role
]

failovers_in_force := [sprintf("failover declaration %s (%s → %s, until %s) is in force", [d.name, d.from, d.to, d.end]) |
	some d in lib.declarations_in_force("failover")
]

removed_stateful := sort([sprintf("%s: %s", [stack, address]) |
	some stack, changes in change.terraform_changes
	some address in changes.removed
	resource_type(address) in stateful_types
])

# Addresses are "<type>.<name>", possibly behind module paths; a data source ("data.<type>.<name>")
# only reads, so removing one loses nothing.
resource_type(address) := parts[count(parts) - 2] if {
	parts := split(address, ".")
	count(parts) >= 2
	not data_source(parts)
}

data_source(parts) if {
	count(parts) >= 3
	parts[count(parts) - 3] == "data"
}

added_region_ids := {id | some id, _ in head_regions} - {id | some id, _ in base_regions}

removed_region_ids := {id | some id, _ in base_regions} - {id | some id, _ in head_regions}

region_membership_changes := array.concat(
	[sprintf("adds region %s", [id]) | some id in sort(added_region_ids)],
	[sprintf("removes region %s", [id]) | some id in sort(removed_region_ids)],
)

# The loader names the file; either side's name counts in case the change moves it.
replication_files := ({"regions/replication-rules.yaml"} | {file | file := input.sources.replicationRules}) | {file | file := input.base.sources.replicationRules}

changed_replication_files := [path | some path in sort({path | some path in change.changed_paths}); path in replication_files]

judging_paths := [path | some path in sort({path | some path in change.changed_paths}); judges(path)]

emergencies_in_force := [sprintf("emergency declaration %s (approved by %s, until %s) is in force", [d.name, d.approvedBy, d.end]) |
	some d in lib.declarations_in_force("emergency")
]

no_change_message := "no base to compare with, so nothing is being changed" if not lib.comparing

else := "the change touches no files"

specific contains reason("no-change", "standard", no_change_message) if not change.has_change

specific contains reason(
	"apps-only", "standard",
	sprintf("%s, all under apps/, app folders of generated/k8s/ or docs/; app rollouts are canary-protected", [change.plural(count(change.changed_paths), "changed file")]),
) if {
	change.has_change
	every path in change.changed_paths {
		canary_protected(path)
	}
}

# The global stack holds the DNS records and health checks of every region, so a change that also
# touches it is not contained to one region.
specific contains reason(
	"single-region-infrastructure", "normal",
	sprintf("Terraform changes only the %s stack (%s)", [stack, stack_counts(stack)]),
) if {
	change.has_change
	count(change.region_stacks_changed) == 1
	not change.terraform_changes.global
	some stack in change.region_stacks_changed
}

specific contains reason(
	"cross-region-infrastructure", "cab-required",
	sprintf("Terraform changes %d region stacks (%s); cross-region changes need CAB approval", [count(change.region_stacks_changed), changed_stacks]),
) if {
	change.has_change
	count(change.region_stacks_changed) >= 2
}

# Attributes through which the global stack carries the traffic weights: changing only these is a weight
# shift, judged by the weight rules; anything else in that stack changes routing for every region at once.
# (Only when the model's weights changed; an accelerator endpoint's configuration also says which load
# balancer receives traffic, so it is never weight-only.)
weight_attributes := {
	"aws_route53_record": {"weighted_routing_policy"},
	"aws_globalaccelerator_endpoint_group": {"traffic_dial_percentage"},
} if lib.weight_shift_points > 0

else := {}

global_routing_changes := array.concat(
	[sprintf("%s %s", [verb, address]) |
		some verb, addresses in {"adds": global.added, "removes": global.removed}
		some address in addresses
	],
	[sprintf("changes %s (%s)", [address, concat(", ", sort(beyond))]) |
		some address in global.changed
		attributes := {a | some a in object.get(object.get(global, "attributes", {}), address, ["(unknown)"])}
		beyond := attributes - object.get(weight_attributes, resource_type(address), set())
		count(beyond) > 0
	],
) if {
	global := change.terraform_changes.global
} else := []

specific contains reason(
	"global-routing-infrastructure", "cab-required",
	sprintf("the global stack routes every region's traffic and this change %s", [concat("; ", sort(global_routing_changes))]),
) if {
	change.has_change
	count(global_routing_changes) > 0
}

specific contains reason(
	"weight-shift-within-limit", "normal",
	sprintf("moves %v weight points (%s), within the limit of %v", [lib.weight_shift_points, change.weight_changes, change.weight_shift_limit]),
) if {
	change.has_change
	lib.weight_shift_points > 0
	lib.weight_shift_points <= change.weight_shift_limit
}

specific contains reason(
	"weight-shift-beyond-limit", "cab-required",
	sprintf("moves %v weight points (%s), beyond the limit of %v", [lib.weight_shift_points, change.weight_changes, change.weight_shift_limit]),
) if {
	change.has_change
	lib.weight_shift_points > change.weight_shift_limit
}

specific contains reason("secondary-read-only", "normal", concat("; ", secondary_read_only_changes)) if {
	change.has_change
	count(secondary_read_only_changes) > 0
}

specific contains reason("primary-read-only", "cab-required", concat("; ", primary_read_only_changes)) if {
	change.has_change
	count(primary_read_only_changes) > 0
}

specific contains reason("failover", "cab-required", concat("; ", array.concat(role_changes, failovers_in_force))) if {
	change.has_change
	count(role_changes) + count(failovers_in_force) > 0
}

specific contains reason(
	"stateful-resource-removed", "cab-required",
	sprintf("removes %s, whose data a later apply cannot restore: %s", [change.plural(count(removed_stateful), "stateful resource"), concat(", ", removed_stateful)]),
) if {
	change.has_change
	count(removed_stateful) > 0
}

specific contains reason("region-added-or-removed", "cab-required", concat("; ", region_membership_changes)) if {
	change.has_change
	count(region_membership_changes) > 0
}

specific contains reason(
	"replication-rules-changed", "cab-required",
	sprintf("%s changes: replication modes, RPOs and residency of the data sets", [concat(", ", changed_replication_files)]),
) if {
	change.has_change
	count(changed_replication_files) > 0
}

specific contains reason(
	"policy-changed", "cab-required",
	sprintf("changes the rules that judge changes: %s", [change.listing(judging_paths)]),
) if {
	change.has_change
	count(judging_paths) > 0
}

# A wave switched without the health barrier, or an image edited so every region switches at once, may
# carry a bad version past the region that would have caught it; if it must (an emergency fix, waived),
# the board decides. A skip already on the base was decided when it merged.
barrier_skips := array.concat(
	[sprintf("%s switched wave %d (%s) without a barrier record", [skip.release.app, skip.wave, concat(", ", skip.regions)]) | some skip in release_barrier.introduced],
	[sprintf("%s image changed outside npm run promote (%s → %s)", [image.app, image.from, image.to]) | some image in release_barrier.image_changes],
)

specific contains reason("release-barrier-skipped", "cab-required", concat("; ", sort(barrier_skips))) if {
	change.has_change
	count(barrier_skips) > 0
}

specific contains reason("emergency", "emergency", concat("; ", emergencies_in_force)) if {
	change.has_change
	count(emergencies_in_force) > 0
}

reasons := specific if count(specific) > 0

else := {reason(
	"other-change", "normal",
	sprintf("%s, none covered by a more specific rule: %s", [
		change.plural(count(change.changed_paths), "changed file"),
		change.listing(sort({path | some path in change.changed_paths})),
	]),
)}

# Highest class first, then by rule id, so the same change always reads the same way.
ordered := [entry[2] | some entry in sort([[0 - class_rank[r.class], r.rule, r] | some r in reasons])]

result := {"class": ordered[0].class, "rule": ordered[0].rule, "reasons": ordered}
