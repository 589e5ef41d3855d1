# METADATA
# title: Data loss bound within each data set's RPO target
# description: Cross-region replication is asynchronous, so losing a region loses the replication lag of that moment. Lag can sit just under the alert threshold, then grow for the alert's for-window before anyone is paged, so a data set can lose up to lagAlertSeconds + lagAlertForSeconds of writes; that must not exceed the rpoSeconds it promises.
# custom:
#   severity: high
#   remediation: Lower the data set's lagAlertSeconds (or resilience.lagAlertForSeconds in global.yaml) so that their sum is at most its rpoSeconds, or relax rpoSeconds if the business agrees.
package multiregion.policies.resilience.rpo_within_target

import data.multiregion.lib.data as datasets
import data.multiregion.resilience

deny contains {
	"message": sprintf("RPO bound %v s exceeds the data set's target of %v s (rpoSeconds): %s", [
		figure.boundSeconds,
		figure.targetSeconds,
		figure.arithmetic,
	]),
	"location": datasets.field_location(index, "lagAlertSeconds"),
} if {
	some index, data_set in input.model.replication.dataSets
	figure := resilience.figures.rpo.byDataSet[data_set.name]
	figure.boundSeconds > figure.targetSeconds
}
