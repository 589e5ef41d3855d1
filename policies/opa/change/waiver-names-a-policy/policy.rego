# METADATA
# title: Waivers name an existing policy
# description: A waiver only takes effect when its policy id matches the policy that reports the finding; a misspelt or renamed id silently waives nothing, and a reviewer reading policies/waivers.yaml believes an exception is in place that is not. Ids are the policy folders' spelling, <group>.<name>.
# custom:
#   severity: medium
#   remediation: Correct the policy id in policies/waivers.yaml to a folder under policies/opa/<group>/<name>/ (written <group>.<name>), or delete the waiver if the policy was removed.
package multiregion.policies.change.waiver_names_a_policy

import data.multiregion.lib
import data.multiregion.lib.change

# Without the list of policies every waiver fires: a waiver that cannot be checked is not trusted.
deny contains {
	"message": sprintf("waiver names policy \"%s\", which does not exist; %s", [waiver.policy, suggestion(waiver.policy)]),
	"location": lib.location(change.waivers_file, sprintf("waivers[%d]", [i])),
} if {
	some i, waiver in input.waivers
	not waiver.policy in change.policy_ids
}

group_of(id) := split(id, ".")[0]

suggestion(id) := sprintf("expected one of the %s policies: %s", [group_of(id), concat(", ", siblings)]) if {
	siblings := sort([known | some known in change.policy_ids; group_of(known) == group_of(id)])
	count(siblings) > 0
} else := sprintf("expected <group>.<name> with a group among %s", [concat(", ", sort({group_of(known) | some known in change.policy_ids}))])
