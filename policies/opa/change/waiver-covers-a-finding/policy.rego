# METADATA
# title: Waivers cover a finding
# description: A waiver that covers no finding waives nothing today but would silently accept the next finding at its path, which nobody reviewed. Like a stale checkov skip, it goes once what it was written for is fixed. Waivers are for standing findings of the model and the generated output; a change-time exception (a large weight shift, a change in a freeze) is a declaration in regions/global.yaml, with its own window.
# custom:
#   severity: medium
#   remediation: Delete the waiver from policies/waivers.yaml; if the finding it was written for still occurs, correct the waiver's policy, file or path to match it.
package multiregion.policies.change.waiver_covers_a_finding

import data.multiregion.lib
import data.multiregion.lib.change

# input.findings is every other policy's findings, handed in by main.rego; without it nothing is judged.
# Expired waivers and those naming no policy have findings of their own.
deny contains {
	"message": sprintf("%s, matches no finding; remove it", [change.waiver_description(waiver)]),
	"location": lib.location(change.waivers_file, sprintf("waivers[%d]", [i])),
} if {
	findings := input.findings
	some i, waiver in input.waivers
	change.live(waiver)
	waiver.policy in change.policy_ids
	not covers_any(waiver, findings)
}

covers_any(waiver, findings) if {
	some finding in findings
	change.covers(waiver, finding)
}
