# METADATA
# title: CODEOWNERS gives every file a reviewer
# description: Branch protection asks the code owners of each changed file to approve; a file no CODEOWNERS rule matches, or a rule without owners, merges with no required reviewer at all, so the change-advisory board never sees it. CODEOWNERS is generated from the owners in regions/global.yaml, which is where a gap is closed.
# custom:
#   severity: high
#   remediation: Add or widen an entry in owners in regions/global.yaml (CODEOWNERS syntax, e.g. "*" as a catch-all or "/docs/" for a directory), give every entry at least one team, and run npm run synth to regenerate CODEOWNERS.
package multiregion.policies.change.codeowners_cover_paths

import data.multiregion.lib
import data.multiregion.lib.change

deny contains {
	"message": sprintf("%s matches no rule in %s, so no one is required to review it; expected an owners entry whose path covers it", [path, input.codeowners.file]),
	"location": lib.location(lib.global_file, "owners"),
} if {
	some path in input.repository.paths
	not covered(path)
}

deny contains {
	"message": sprintf("%s rule %d (%s) has no owners, so the paths it matches last have no required reviewer; expected at least one team", [input.codeowners.file, i + 1, rule.pattern]),
	"location": lib.location(lib.global_file, owners_path(rule.pattern)),
} if {
	some i, rule in input.codeowners.rules
	count(object.get(rule, "owners", [])) == 0
}

covered(path) if {
	some rule in input.codeowners.rules
	change.codeowners_matches(rule.pattern, path)
}

# CODEOWNERS lists the owners entries in order, but a hand edit can break the correspondence: point
# at the entry with the same pattern when there is one.
owners_path(pattern) := sprintf("owners[%d]", [indexes[0]]) if {
	indexes := [i |
		some i, entry in input.model.global.owners
		entry.path == pattern
	]
	count(indexes) > 0
} else := "owners"
