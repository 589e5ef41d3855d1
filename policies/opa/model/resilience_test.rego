package multiregion.resilience_test

import data.multiregion.resilience
import data.multiregion.test.fixtures

test_good_example_figures if {
	resilience.figures == {
		"rto": {
			"boundSeconds": 570,
			"sloSeconds": 900,
			"worstRegion": "us-east-1",
			"byRegion": {
				"us-east-1": {
					"seconds": 570,
					"arithmetic": "losing us-east-1: 10 s × 3 (health check) + 300 s (approval) + 60 s (DNS TTL) + 120 s (database promotion) + 60 s (traffic shift) = 570 s",
				},
				"us-west-2": {
					"seconds": 450,
					"arithmetic": "losing us-west-2: 10 s × 3 (health check) + 300 s (approval) + 60 s (DNS TTL) + 60 s (traffic shift) = 450 s",
				},
			},
		},
		"rpo": {
			"sloSeconds": 300,
			"byDataSet": {
				"orders-db": {
					"boundSeconds": 90,
					"targetSeconds": 120,
					"arithmetic": "orders-db (aurora, active-passive): 30 s lag alert threshold + 60 s alert delay = 90 s",
				},
				"order-documents": {
					"boundSeconds": 180,
					"targetSeconds": 300,
					"arithmetic": "order-documents (s3, active-active): 120 s lag alert threshold + 60 s alert delay = 180 s",
				},
			},
		},
	} with input as fixtures.good
}

test_promotion_follows_the_primary_role if {
	figures := resilience.figures with input as fixtures.with_model([
		{"op": "replace", "path": "/regions/0/role", "value": "secondary"},
		{"op": "replace", "path": "/regions/1/role", "value": "primary"},
	])
	figures.rto.byRegion["us-east-1"].seconds == 450
	figures.rto.byRegion["us-west-2"].seconds == 570
	figures.rto.worstRegion == "us-west-2"
}

test_slow_secondary_becomes_the_worst_region if {
	figures := resilience.figures with input as fixtures.with_model([
		{"op": "replace", "path": "/regions/1/healthCheck/intervalSeconds", "value": 30},
		{"op": "replace", "path": "/regions/1/dns/ttlSeconds", "value": 300},
	])
	figures.rto.boundSeconds == 750
	figures.rto.worstRegion == "us-west-2"
	figures.rto.byRegion["us-west-2"].arithmetic == "losing us-west-2: 30 s × 3 (health check) + 300 s (approval) + 300 s (DNS TTL) + 60 s (traffic shift) = 750 s"
}

test_approval_counts_in_every_region if {
	figures := resilience.figures with input as fixtures.with_model([{"op": "replace", "path": "/global/resilience/approvalSeconds", "value": 900}])
	figures.rto.byRegion["us-east-1"].seconds == 1170
	figures.rto.byRegion["us-west-2"].seconds == 1050
	figures.rto.byRegion["us-west-2"].arithmetic == "losing us-west-2: 10 s × 3 (health check) + 900 s (approval) + 60 s (DNS TTL) + 60 s (traffic shift) = 1050 s"
}

# An automated failover is an assumption a reviewer should see challenged, so its term stays in the line.
test_no_approval_still_prints_its_term if {
	figures := resilience.figures with input as fixtures.with_model([{"op": "replace", "path": "/global/resilience/approvalSeconds", "value": 0}])
	figures.rto.byRegion["us-west-2"].arithmetic == "losing us-west-2: 10 s × 3 (health check) + 0 s (approval) + 60 s (DNS TTL) + 60 s (traffic shift) = 150 s"
}

test_tie_names_the_first_region_in_model_order if {
	figures := resilience.figures with input as fixtures.with_model([{"op": "replace", "path": "/global/resilience/databasePromotionSeconds", "value": 0}])
	figures.rto.boundSeconds == 450
	figures.rto.worstRegion == "us-east-1"
}

test_rpo_bound_adds_the_alert_delay if {
	figures := resilience.figures with input as fixtures.with_model([
		{"op": "replace", "path": "/global/resilience/lagAlertForSeconds", "value": 300},
		{"op": "replace", "path": "/global/slo/rpoMinutes", "value": 10},
	])
	figures.rpo.sloSeconds == 600
	figures.rpo.byDataSet["orders-db"].boundSeconds == 330
	figures.rpo.byDataSet["orders-db"].arithmetic == "orders-db (aurora, active-passive): 30 s lag alert threshold + 300 s alert delay = 330 s"
}
