package multiregion.policies.change.codeowners_cover_paths_test

import data.multiregion.policies.change.codeowners_cover_paths as policy
import data.multiregion.test.fixtures

paths := [
	"CODEOWNERS",
	"README.md",
	"apps/orders-api.ts",
	"docs/adr/0001-regions.md",
	"docs/benchmarks.md",
	"generated/terraform/us-east-1/cdk.tf.json",
	"modules/codeowners.ts",
	"policies/opa/main.rego",
	"regions/global.yaml",
	"regions/replication-rules.yaml",
]

with_rules(rules) := object.union(fixtures.good, {
	"codeowners": {"file": "CODEOWNERS", "rules": rules},
	"repository": {"paths": paths},
})

rule(pattern, owners) := {"pattern": pattern, "owners": owners}

uncovered(rules) := {path |
	some finding in policy.deny with input as with_rules(rules)
	some path in paths
	startswith(finding.message, concat(" ", [path, "matches no rule"]))
}

test_catch_all_covers_every_path if {
	count(policy.deny) == 0 with input as with_rules([rule("*", ["@example-org/platform"])])
}

test_repository_rules_cover_every_path if {
	count(policy.deny) == 0 with input as with_rules([
		rule("/regions/", ["@example-org/sre"]),
		rule("/apps/", ["@example-org/orders-team"]),
		rule("/policies/", ["@example-org/security"]),
		rule("/generated/", ["@example-org/platform"]),
		rule("/modules/", ["@example-org/platform"]),
		rule("*.md", ["@example-org/platform"]),
		rule("CODEOWNERS", ["@example-org/security"]),
	])
}

test_uncovered_path_fires_at_the_owners if {
	findings := policy.deny with input as with_rules([rule("/regions/", ["@example-org/sre"])])
	some finding in findings
	finding == {
		"message": "apps/orders-api.ts matches no rule in CODEOWNERS, so no one is required to review it; expected an owners entry whose path covers it",
		"location": {"file": "regions/global.yaml", "path": "owners"},
	}
	count(findings) == count(paths) - 2
}

test_leading_slash_anchors_at_the_root if {
	uncovered([rule("/adr/", ["@o"]), rule("/docs/benchmarks.md", ["@o"])]) == {path |
		some path in paths
		path != "docs/benchmarks.md"
	}
}

test_directory_without_leading_slash_matches_at_any_depth if {
	not "docs/adr/0001-regions.md" in uncovered([rule("adr/", ["@o"])])
	"docs/benchmarks.md" in uncovered([rule("adr/", ["@o"])])
}

test_extension_glob_matches_at_any_depth if {
	uncovered([rule("*.md", ["@o"])]) == {path |
		some path in paths
		not endswith(path, ".md")
	}
}

test_star_segment_matches_direct_children_only if {
	"docs/adr/0001-regions.md" in uncovered([rule("docs/*", ["@o"])])
	not "docs/benchmarks.md" in uncovered([rule("docs/*", ["@o"])])
}

test_path_without_trailing_slash_covers_a_directory if {
	not "generated/terraform/us-east-1/cdk.tf.json" in uncovered([rule("/generated/terraform", ["@o"])])
	"generated/terraform/us-east-1/cdk.tf.json" in uncovered([rule("/generated/terra", ["@o"])])
}

test_trailing_slash_does_not_match_a_file_of_that_name if {
	"CODEOWNERS" in uncovered([rule("CODEOWNERS/", ["@o"])])
}

test_rule_without_owners_fires_at_its_owners_entry if {
	inp := object.union(with_rules([rule("*", ["@example-org/platform"]), rule("/docs/", [])]), {"model": json.patch(fixtures.model, [{
		"op": "add", "path": "/global/owners/-",
		"value": {"path": "/docs/", "owners": ["@example-org/docs"]},
	}])})
	policy.deny == {{
		"message": "CODEOWNERS rule 2 (/docs/) has no owners, so the paths it matches last have no required reviewer; expected at least one team",
		"location": {"file": "regions/global.yaml", "path": "owners[1]"},
	}} with input as inp
}

test_rule_without_owners_and_no_owners_entry_fires_at_the_owners if {
	findings := policy.deny with input as with_rules([rule("*", ["@example-org/platform"]), rule("/scratch/", [])])
	{f.location.path | some f in findings} == {"owners"}
}

test_double_star_in_the_middle_matches_zero_or_more_directories if {
	not "regions/global.yaml" in uncovered([rule("/regions/**/*.yaml", ["@o"])])
	not "docs/adr/0001-regions.md" in uncovered([rule("/docs/**/*.md", ["@o"])])
	"apps/orders-api.ts" in uncovered([rule("/regions/**/*.yaml", ["@o"])])
}
