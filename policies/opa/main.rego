# METADATA
# title: Policy report
# description: Every policy's findings, with the waiver that covers each, plus the resilience figures and the change classification, in one evaluation.
package multiregion.main

import data.multiregion.lib.change

# A policy lives in policies/opa/<group>/<name>/ as package multiregion.policies.<group>.<name>;
# its id is "<group>.<name>" with dashes, the folder's own spelling.
raw_findings contains object.union(finding, {"policy": policy_id(group, name)}) if {
	some group, name
	some finding in data.multiregion.policies[group][name].deny
}

policy_id(group, name) := sprintf("%s.%s", [replace(group, "_", "-"), replace(name, "_", "-")])

findings contains object.union(finding, waiver_of(finding)) if some finding in raw_findings

waiver_of(finding) := {"waiver": waivers[0]} if {
	waivers := [waiver |
		some waiver in input.waivers
		change.covers(waiver, finding)
		change.live(waiver)
	]
	count(waivers) > 0
} else := {}

# Stale waivers are judged over every other policy's findings, handed in as input.findings: a policy
# cannot read its siblings' findings itself (that would recurse into its own package tree). A stale
# waiver is not itself waivable.
findings contains object.union(finding, {"policy": "change.waiver-covers-a-finding"}) if {
	some finding in data.multiregion.policies.change.waiver_covers_a_finding.deny with input.findings as raw_findings
}

report := {
	"findings": findings,
	"resilience": data.multiregion.resilience.figures,
	"classification": data.multiregion.classification.result,
}
