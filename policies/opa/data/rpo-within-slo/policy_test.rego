package multiregion.policies.data.rpo_within_slo_test

import data.multiregion.policies.data.rpo_within_slo as policy
import data.multiregion.test.fixtures

test_targets_within_slo_pass if {
	# order-documents sits exactly at the 5 min SLO
	count(policy.deny) == 0 with input as fixtures.good
}

test_ten_minute_target_against_five_minute_slo_fires if {
	findings := policy.deny with input as fixtures.with_model([{"op": "replace", "path": "/replication/dataSets/1/rpoSeconds", "value": 600}])
	findings == {{
		"message": "order-documents has an RPO target of 600 s, above the RPO SLO of 5 min (300 s)",
		"location": {"file": "regions/replication-rules.yaml", "path": "dataSets[1].rpoSeconds"},
	}}
}

test_tightened_slo_fires_on_every_looser_data_set if {
	findings := policy.deny with input as fixtures.with_model([{"op": "replace", "path": "/global/slo/rpoMinutes", "value": 1}])
	{f.location.path | some f in findings} == {"dataSets[0].rpoSeconds", "dataSets[1].rpoSeconds"}
}
