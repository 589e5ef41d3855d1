# METADATA
# title: Data set RPO targets within the RPO SLO
# description: The RPO SLO is what the business was promised for any data; a data set whose own rpoSeconds is looser than slo.rpoMinutes is allowed to lose more than that promise, and the alerting derived from it would stay silent while it does.
# custom:
#   severity: high
#   remediation: Lower the data set's rpoSeconds to at most slo.rpoMinutes × 60, or agree a looser slo.rpoMinutes in global.yaml.
package multiregion.policies.data.rpo_within_slo

import data.multiregion.lib.data as datasets

slo_minutes := input.model.global.slo.rpoMinutes

deny contains {
	"message": sprintf("%s has an RPO target of %v s, above the RPO SLO of %v min (%v s)", [
		data_set.name,
		data_set.rpoSeconds,
		slo_minutes,
		slo_minutes * 60,
	]),
	"location": datasets.field_location(index, "rpoSeconds"),
} if {
	some index, data_set in input.model.replication.dataSets
	data_set.rpoSeconds > slo_minutes * 60
}
