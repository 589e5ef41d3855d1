package multiregion.policies.resilience.rto_within_slo_test

import data.multiregion.policies.resilience.rto_within_slo as policy
import data.multiregion.test.fixtures

rto_minutes(minutes) := {"op": "replace", "path": "/global/slo/rtoMinutes", "value": minutes}

test_good_example_within_slo_passes if {
	count(policy.deny) == 0 with input as fixtures.good
}

test_bound_equal_to_slo_passes if {
	# 10 s × 3 + 300 s + 90 s + 120 s + 60 s = 600 s against 10 min
	count(policy.deny) == 0 with input as fixtures.with_model([
		rto_minutes(10),
		{"op": "replace", "path": "/regions/0/dns/ttlSeconds", "value": 90},
	])
}

test_primary_over_slo_fires_at_its_dns_ttl_the_larger_term if {
	findings := policy.deny with input as fixtures.with_model([rto_minutes(9)])
	findings == {{
		"message": "RTO bound 570 s exceeds the RTO SLO of 9 min (540 s): losing us-east-1: 10 s × 3 (health check) + 300 s (approval) + 60 s (DNS TTL) + 120 s (database promotion) + 60 s (traffic shift) = 570 s",
		"location": {"file": "regions/us-east-1.ts", "path": "dns.ttlSeconds"},
	}}
}

test_slow_secondary_detection_fires_at_the_secondary if {
	findings := policy.deny with input as fixtures.with_model([
		rto_minutes(11),
		{"op": "replace", "path": "/regions/1/healthCheck/intervalSeconds", "value": 30},
		{"op": "replace", "path": "/regions/1/healthCheck/failureThreshold", "value": 10},
	])
	findings == {{
		"message": "RTO bound 720 s exceeds the RTO SLO of 11 min (660 s): losing us-west-2: 30 s × 10 (health check) + 300 s (approval) + 60 s (DNS TTL) + 60 s (traffic shift) = 720 s",
		"location": {"file": "regions/us-west-2.ts", "path": "healthCheck"},
	}}
}

test_promotion_and_shift_alone_over_slo_fire_at_the_slo if {
	findings := policy.deny with input as fixtures.with_model([
		rto_minutes(2),
		{"op": "replace", "path": "/global/resilience/databasePromotionSeconds", "value": 90},
	])
	[f.location | some f in findings] == [{"file": "regions/global.yaml", "path": "slo.rtoMinutes"}]
}

test_approval_alone_over_slo_fires_at_the_slo if {
	# 900 s approval + 120 s promotion + 60 s shift = 1080 s: no region file can bring that under 15 min
	findings := policy.deny with input as fixtures.with_model([{"op": "replace", "path": "/global/resilience/approvalSeconds", "value": 900}])
	[f.location | some f in findings] == [{"file": "regions/global.yaml", "path": "slo.rtoMinutes"}]
	[f.message | some f in findings] == ["RTO bound 1170 s exceeds the RTO SLO of 15 min (900 s): losing us-east-1: 10 s × 3 (health check) + 900 s (approval) + 60 s (DNS TTL) + 120 s (database promotion) + 60 s (traffic shift) = 1170 s"]
}
