package multiregion.policies.data.residency_respected_test

import data.multiregion.policies.data.residency_respected as policy
import data.multiregion.test.fixtures

zone(region_index, value) := {"op": "replace", "path": sprintf("/regions/%d/residency/zone", [region_index]), "value": value}

residency(data_set_index, value) := {"op": "replace", "path": sprintf("/replication/dataSets/%d/residency", [data_set_index]), "value": value}

test_us_data_in_us_regions_passes if {
	count(policy.deny) == 0 with input as fixtures.good
}

test_eu_data_in_eu_regions_passes if {
	count(policy.deny) == 0 with input as fixtures.with_model([zone(0, "eu"), zone(1, "eu"), residency(0, "eu"), residency(1, "eu")])
}

test_eu_data_replicated_to_us_regions_fires_once_per_region if {
	findings := policy.deny with input as fixtures.with_model([residency(0, "eu")])
	findings == {
		{
			"message": "orders-db must stay in residency zone eu, but data sets are replicated to every region and us-east-1 is in zone us",
			"location": {"file": "regions/replication-rules.yaml", "path": "dataSets[0].residency"},
		},
		{
			"message": "orders-db must stay in residency zone eu, but data sets are replicated to every region and us-west-2 is in zone us",
			"location": {"file": "regions/replication-rules.yaml", "path": "dataSets[0].residency"},
		},
	}
}

test_region_moved_to_another_zone_fires_on_every_data_set if {
	findings := policy.deny with input as fixtures.with_model([zone(1, "eu")])
	{f.location.path | some f in findings} == {"dataSets[0].residency", "dataSets[1].residency"}
	every f in findings {
		contains(f.message, "us-west-2 is in zone eu")
	}
}
