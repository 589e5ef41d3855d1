# METADATA
# title: Policy report
# description: Every policy's findings, with the waiver that covers each, plus the resilience figures and the change classification, in one evaluation.
package multiregion.main

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
		covers(waiver, finding)
		input.now < waiver.expires
	]
	count(waivers) > 0
} else := {}

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

report := {
	"findings": findings,
	"resilience": data.multiregion.resilience.figures,
	"classification": data.multiregion.classification.result,
}
