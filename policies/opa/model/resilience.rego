# METADATA
# title: Resilience figures
# description: Upper bounds on recovery time and data loss derived from the model and the resilience assumptions in global.yaml, beside the SLOs they are held to, with the arithmetic printed so a reviewer can challenge each term.
package multiregion.resilience

import data.multiregion.lib.data as datasets

assumptions := input.model.global.resilience

slo := input.model.global.slo

# Route 53 declares a region unhealthy only after failureThreshold consecutive failed checks.
detection_seconds(region) := region.healthCheck.intervalSeconds * region.healthCheck.failureThreshold

# The database writer only moves when the primary is lost; losing a secondary leaves it in place.
promotion_seconds(region) := assumptions.databasePromotionSeconds if region.role == "primary"

else := 0

# Nothing moves until a person approves the failover (its pull request, the Region switch plan's approval
# step), and resolvers keep handing out the lost region's answer until its TTL runs out.
rto_seconds(region) := (((detection_seconds(region) + assumptions.approvalSeconds) + region.dns.ttlSeconds) + promotion_seconds(region)) + assumptions.trafficShiftSeconds

# A secondary's line leaves out the promotion term rather than showing "0 s", so every term printed is time spent.
promotion_terms(region) := [sprintf("%v s (database promotion)", [assumptions.databasePromotionSeconds])] if region.role == "primary"

else := []

rto_terms(region) := array.concat(
	array.concat(
		[
			sprintf("%v s × %v (health check)", [region.healthCheck.intervalSeconds, region.healthCheck.failureThreshold]),
			sprintf("%v s (approval)", [assumptions.approvalSeconds]),
			sprintf("%v s (DNS TTL)", [region.dns.ttlSeconds]),
		],
		promotion_terms(region),
	),
	[sprintf("%v s (traffic shift)", [assumptions.trafficShiftSeconds])],
)

rto_by_region[region.id] := {
	"seconds": rto_seconds(region),
	"arithmetic": sprintf("losing %s: %s = %v s", [region.id, concat(" + ", rto_terms(region)), rto_seconds(region)]),
} if {
	some region in input.model.regions
}

rto_bound := max([figure.seconds | some figure in rto_by_region])

# Model order breaks ties so the worst region named does not change between evaluations.
worst_region := [region.id |
	some region in input.model.regions
	rto_by_region[region.id].seconds == rto_bound
][0]

# Replication is asynchronous, so a region takes with it the lag of the moment; lag can sit at the
# alert threshold and keep growing for the alert's `for` window before anyone is paged.
rpo_bound_seconds(data_set) := data_set.lagAlertSeconds + assumptions.lagAlertForSeconds

rpo_by_data_set[data_set.name] := {
	"boundSeconds": rpo_bound_seconds(data_set),
	"targetSeconds": data_set.rpoSeconds,
	"arithmetic": sprintf("%s: %v s lag alert threshold + %v s alert delay = %v s", [
		datasets.label(data_set),
		data_set.lagAlertSeconds,
		assumptions.lagAlertForSeconds,
		rpo_bound_seconds(data_set),
	]),
} if {
	some data_set in input.model.replication.dataSets
}

figures := {
	"rto": {
		"boundSeconds": rto_bound,
		"sloSeconds": slo.rtoMinutes * 60,
		"worstRegion": worst_region,
		"byRegion": rto_by_region,
	},
	"rpo": {
		"sloSeconds": slo.rpoMinutes * 60,
		"byDataSet": rpo_by_data_set,
	},
}
