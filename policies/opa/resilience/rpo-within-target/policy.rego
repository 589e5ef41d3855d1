# METADATA
# title: Data loss bound within each data set's RPO target
# description: Cross-region replication is asynchronous, so losing a region loses the replication lag of that moment. Lag can sit just under the alert threshold, then grow for the alert's for-window before anyone is paged, so a data set can lose up to lagAlertSeconds + lagAlertForSeconds of writes; that must not exceed the rpoSeconds it promises.
# custom:
#   severity: high
#   remediation: Lower the data set's lagAlertSeconds (or resilience.lagAlertForSeconds in global.yaml) so that their sum is at most its rpoSeconds, or relax rpoSeconds if the business agrees.
package multiregion.policies.resilience.rpo_within_target

import data.multiregion.lib
import data.multiregion.lib.data as datasets
import data.multiregion.resilience

deny contains {
	"message": sprintf("RPO bound %v s exceeds the data set's target of %v s (rpoSeconds): %s", [
		figure.boundSeconds,
		figure.targetSeconds,
		figure.arithmetic,
	]),
	"location": rpo_location(index, figure),
} if {
	some index, data_set in input.model.replication.dataSets
	figure := resilience.figures.rpo.byDataSet[data_set.name]
	figure.boundSeconds > figure.targetSeconds
}

# The alert delay is set once in global.yaml; when it alone leaves no room for a lag threshold of even
# one second, no edit of the data set can fix the bound.
rpo_location(_, figure) := lib.location(lib.global_file, "resilience.lagAlertForSeconds") if {
	resilience.assumptions.lagAlertForSeconds + 1 > figure.targetSeconds
}

rpo_location(index, figure) := datasets.field_location(index, "lagAlertSeconds") if {
	resilience.assumptions.lagAlertForSeconds + 1 <= figure.targetSeconds
}
