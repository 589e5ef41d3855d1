# METADATA
# title: Waivers expire within the horizon
# description: An expiry years away makes an exception permanent in all but name, and nobody argues it again. A waiver may run at most changeControl.maxWaiverDays (regions/global.yaml, 180 days by default) from the time it is judged; a change cannot lengthen the horizon and use it at once, since the stricter of base and head applies.
# custom:
#   severity: medium
#   remediation: Set the waiver's expires to a date within the horizon and argue the exception again when it runs out; fix the finding if it should never expire.
package multiregion.policies.change.waiver_within_horizon

import data.multiregion.lib
import data.multiregion.lib.change

deny contains {
	"message": sprintf(
		"%s, expires at %s; expected a date within %d days of %s (changeControl.maxWaiverDays in %s), got %d days",
		[change.waiver_description(waiver), waiver.expires, change.max_waiver_days, input.now, lib.global_file, days],
	),
	"location": lib.location(change.waivers_file, sprintf("waivers[%d].expires", [i])),
} if {
	some i, waiver in input.waivers
	seconds := lib.epoch_seconds(waiver.expires) - lib.epoch_seconds(input.now)
	seconds > change.max_waiver_days * 86400
	days := ceil(seconds / 86400)
}
