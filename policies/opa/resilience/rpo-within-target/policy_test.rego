package multiregion.policies.resilience.rpo_within_target_test

import data.multiregion.policies.resilience.rpo_within_target as policy
import data.multiregion.test.fixtures

test_good_example_within_targets_passes if {
	count(policy.deny) == 0 with input as fixtures.good
}

test_bound_equal_to_target_passes if {
	# 60 s + 60 s = 120 s against rpoSeconds 120
	count(policy.deny) == 0 with input as fixtures.with_model([{"op": "replace", "path": "/replication/dataSets/0/lagAlertSeconds", "value": 60}])
}

test_lag_alert_threshold_over_target_fires if {
	findings := policy.deny with input as fixtures.with_model([{"op": "replace", "path": "/replication/dataSets/0/lagAlertSeconds", "value": 90}])
	findings == {{
		"message": "RPO bound 150 s exceeds the data set's target of 120 s (rpoSeconds): orders-db (aurora, active-passive): 90 s lag alert threshold + 60 s alert delay = 150 s",
		"location": {"file": "regions/replication-rules.yaml", "path": "dataSets[0].lagAlertSeconds"},
	}}
}

test_long_alert_delay_fires_on_every_data_set_it_pushes_over if {
	findings := policy.deny with input as fixtures.with_model([{"op": "replace", "path": "/global/resilience/lagAlertForSeconds", "value": 200}])
	{f.location.path | some f in findings} == {"resilience.lagAlertForSeconds", "dataSets[1].lagAlertSeconds"}
}

test_alert_delay_alone_over_target_fires_at_the_delay if {
	findings := policy.deny with input as fixtures.with_model([{"op": "replace", "path": "/global/resilience/lagAlertForSeconds", "value": 120}])
	[f.location | some f in findings] == [{"file": "regions/global.yaml", "path": "resilience.lagAlertForSeconds"}]
}
