# METADATA
# title: Data sets stay in their residency zone
# description: Every data set is replicated to every region in the model, so a data set pinned to one residency zone (for example EU personal data) is copied into any region of another zone, which the residency obligation forbids however the traffic is routed.
# custom:
#   severity: critical
#   remediation: Keep the data set's residency equal to every region's residency.zone; a data set that must stay in another zone belongs in a deployment whose regions are all in that zone.
package multiregion.policies.data.residency_respected

import data.multiregion.lib.data as datasets

deny contains {
	"message": sprintf("%s must stay in residency zone %s, but data sets are replicated to every region and %s is in zone %s", [
		data_set.name,
		data_set.residency,
		region.id,
		region.residency.zone,
	]),
	"location": datasets.field_location(index, "residency"),
} if {
	some index, data_set in input.model.replication.dataSets
	some region in input.model.regions
	region.residency.zone != data_set.residency
}
