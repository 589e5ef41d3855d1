# METADATA
# title: Waivers expire
# description: A waiver is an exception someone accepted for a limited time; once it expires the exception must be argued again or the finding fixed. An expired waiver fails even when nothing matches it any more, so stale exceptions do not accumulate in policies/waivers.yaml unnoticed.
# custom:
#   severity: medium
#   remediation: Fix the finding the waiver covers and delete the waiver, or, if the exception still holds, renew it with a current reason, owner and a new expires.
package multiregion.policies.change.waiver_not_expired

import data.multiregion.lib
import data.multiregion.lib.change

deny contains {
	"message": sprintf("%s, expired at %s (now %s); expected an expiry in the future", [change.waiver_description(waiver), waiver.expires, input.now]),
	"location": lib.location(change.waivers_file, sprintf("waivers[%d]", [i])),
} if {
	some i, waiver in input.waivers
	not change.live(waiver)
}
