# METADATA
# title: Recovery time bound within the RTO SLO
# description: Losing a region costs the time to detect it (health check interval × failure threshold), the approval of the failover, the DNS TTL resolvers keep serving its answer, the database promotion when it held the writer, and the traffic shift. If the worst of these sums exceeds the RTO SLO, the SLO is promised on paper only.
# custom:
#   severity: high
#   remediation: Shorten detection (healthCheck.intervalSeconds, healthCheck.failureThreshold) or dns.ttlSeconds in the region named; when approval, database promotion and traffic shift alone use up the SLO, revisit slo.rtoMinutes or the resilience assumptions in global.yaml (approvalSeconds first, the one term people can shorten).
package multiregion.policies.resilience.rto_within_slo

import data.multiregion.lib
import data.multiregion.resilience

rto := resilience.figures.rto

worst := lib.region_by_id(rto.worstRegion)

# Approval, promotion and traffic shift are set in global.yaml; once they alone use up the SLO, no health check
# or TTL in the region file can bring the bound under it, so the SLO is what a person must revisit.
# Otherwise the finding points at the larger of the two terms the region file controls.
finding_location := lib.location(lib.global_file, "slo.rtoMinutes") if {
	(resilience.assumptions.approvalSeconds + resilience.promotion_seconds(worst)) + resilience.assumptions.trafficShiftSeconds >= rto.sloSeconds
} else := lib.region_path(rto.worstRegion, "dns.ttlSeconds") if {
	worst.dns.ttlSeconds > worst.healthCheck.intervalSeconds * worst.healthCheck.failureThreshold
} else := lib.region_path(rto.worstRegion, "healthCheck")

deny contains {
	"message": sprintf("RTO bound %v s exceeds the RTO SLO of %v min (%v s): %s", [
		rto.boundSeconds,
		input.model.global.slo.rtoMinutes,
		rto.sloSeconds,
		rto.byRegion[rto.worstRegion].arithmetic,
	]),
	"location": finding_location,
} if {
	rto.boundSeconds > rto.sloSeconds
}
