# METADATA
# title: Vocabulary of the change-control policies
# description: What a pull request changes, which of it deploys, CODEOWNERS matching and the policy ids waivers may name.
package multiregion.lib.change

import data.multiregion.lib

waivers_file := "policies/waivers.yaml"

# A waiver's path covers itself and what lies below it, segment by segment: "resource.x.scratch"
# covers "resource.x.scratch.deletion_protection" but not "resource.x.scratch_orders".
covers(waiver, finding) if {
	waiver.policy == finding.policy
	waiver.target.file == finding.location.file
	below(finding.location.path, waiver.target.path)
}

below(_, "")

below(path, path)

below(path, target) if startswith(path, concat("", [target, "."]))

below(path, target) if startswith(path, concat("", [target, "["]))

# Waivers that still take effect; an expired one is a finding of its own.
live(waiver) if input.now < waiver.expires

# "waiver for <policy> on <file> <path>, owned by <owner>": how findings about a waiver name it.
waiver_description(waiver) := sprintf("waiver for %s on %s, owned by %s", [waiver.policy, waiver_target(waiver.target), waiver.owner])

# An empty path waives the whole file.
waiver_target(t) := sprintf("%s %s", [t.file, t.path]) if t.path != ""

else := t.file

# The stricter of base and head, as for the weight shift; a base from before the setting had the default.
max_waiver_days := min({waiver_days_of(input.model), waiver_days_of(input.base.model)}) if lib.comparing

else := waiver_days_of(input.model)

# The schema's default, for a model that predates the setting.
waiver_days_of(model) := object.get(model.global, ["changeControl", "maxWaiverDays"], 180)

changed_paths := [file.path | some file in input.change.files]

has_change if {
	lib.comparing
	count(changed_paths) > 0
}

# Everything that reaches an account or a cluster, or decides what may: the model, the apps, what is
# synthesised from them, the constructs that synthesise it, the policies and the review rules.
deployable_prefixes := ["regions/", "apps/", "generated/", "modules/", "policies/"]

deployable(path) if {
	some prefix in deployable_prefixes
	startswith(path, prefix)
}

deployable(path) if path == "CODEOWNERS"

deployable_changes := [path |
	some path in changed_paths
	deployable(path)
]

# Terraform resource changes per stack ("global" or a region id), counting only stacks that change.
terraform_changes[stack] := {
	"added": object.get(changes, "added", []),
	"changed": object.get(changes, "changed", []),
	"removed": object.get(changes, "removed", []),
	"attributes": object.get(changes, "attributes", {}),
} if {
	some stack, changes in input.change.terraform
	(count(object.get(changes, "added", [])) + count(object.get(changes, "changed", []))) + count(object.get(changes, "removed", [])) > 0
}

region_stacks_changed := {stack | some stack, _ in terraform_changes} - {"global"}

plural(n, noun) := sprintf("%d %s", [n, noun]) if n == 1

else := sprintf("%d %ss", [n, noun])

# CODEOWNERS patterns as GitHub reads them (gitignore syntax without negation):
# - "*" alone matches every path;
# - a leading "/" or a "/" inside the pattern anchors it at the repository root, otherwise (like a
#   leading "**/") it matches at any depth;
# - a trailing "/" matches only what lies below that directory;
# - a last segment that is exactly "*" matches the directory's own files but not deeper ones
#   ("docs/*" owns docs/a.md, not docs/adr/b.md);
# - any other pattern also matches everything below the directory it names ("/apps/github").
codeowners_matches(pattern, path) if {
	pattern == "*"
	path != ""
}

codeowners_matches(pattern, path) if {
	pattern != "*"
	body := pattern_body(pattern)
	body != ""
	segments := split(path, "/")
	n := count(segments)
	some start in pattern_starts(pattern, n)
	some end in numbers.range(start + 1, n)
	end_allowed(pattern, body, end, n)
	some form in zero_directory_forms(body)
	glob.match(form, ["/"], concat("/", array.slice(segments, start, end)))
}

# In gitignore syntax "a/**/b" also matches "a/b"; glob.match wants at least one directory there.
zero_directory_forms(body) := {body, replace(body, "/**/", "/")}

pattern_body(pattern) := trim_prefix(trim_suffix(trim_prefix(pattern, "/"), "/"), "**/")

# A leading "**/" (even after "/") means any depth; otherwise a "/" before the last character anchors.
pattern_anchored(pattern) if {
	not startswith(trim_prefix(pattern, "/"), "**/")
	contains(trim_suffix(pattern, "/"), "/")
}

pattern_starts(pattern, _) := [0] if pattern_anchored(pattern)

pattern_starts(pattern, n) := numbers.range(0, n - 1) if not pattern_anchored(pattern)

end_allowed(pattern, _, end, n) if {
	endswith(pattern, "/")
	end < n
}

end_allowed(pattern, body, end, n) if {
	not endswith(pattern, "/")
	last_segment(body) == "*"
	end == n
}

end_allowed(pattern, body, _, _) if {
	not endswith(pattern, "/")
	last_segment(body) != "*"
}

last_segment(body) := segments[count(segments) - 1] if segments := split(body, "/")

# Every policy in the bundle, as the engine reports them from the bundle's metadata. A policy cannot list
# its siblings from data.multiregion.policies (that would recurse into its own package tree).
policy_ids := {id | some id in input.policies}

# The stricter of base and head, so a change cannot raise the limit and use it at once.
weight_shift_limit := min({
	object.get(input.model.global, ["changeControl", "maxWeightShiftPoints"], 25),
	object.get(input.base, ["model", "global", "changeControl", "maxWeightShiftPoints"], 100),
})

weight_changed_ids contains id if {
	lib.comparing
	some id in lib.compared_region_ids
	lib.head_weight(id) != lib.base_weight(id)
}

weight_changes := concat(", ", [sprintf("%s %v→%v", [id, lib.base_weight(id), lib.head_weight(id)]) | some id in sort(weight_changed_ids)])

# A few names and a count of the rest keep a message readable when a change touches hundreds of files.
listing(items) := concat(", ", items) if count(items) <= 5

else := sprintf("%s and %d more", [concat(", ", array.slice(items, 0, 5)), count(items) - 5])
