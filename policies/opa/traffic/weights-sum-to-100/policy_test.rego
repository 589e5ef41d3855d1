package multiregion.policies.traffic.weights_sum_to_100_test

import data.multiregion.policies.traffic.weights_sum_to_100 as policy
import data.multiregion.test.fixtures

test_even_split_passes if {
	count(policy.deny) == 0 with input as fixtures.good
}

test_all_traffic_in_one_region_passes if {
	count(policy.deny) == 0 with input as fixtures.with_model(fixtures.weights(100, 0))
}

test_weights_60_60_fire_on_both_serving_regions if {
	findings := policy.deny with input as fixtures.with_model(fixtures.weights(60, 60))
	{f.location.file | some f in findings} == {"regions/us-east-1.ts", "regions/us-west-2.ts"}
	some f in findings
	f.message == "weights of serving regions sum to 120 (us-east-1=60 + us-west-2=60), expected 100"
}

test_weights_below_100_fire_only_on_serving_regions if {
	findings := policy.deny with input as fixtures.with_model(fixtures.weights(40, 0))
	{f.location.file | some f in findings} == {"regions/us-east-1.ts"}
}

test_all_weights_zero_fire_on_every_region if {
	findings := policy.deny with input as fixtures.with_model(fixtures.weights(0, 0))
	{f.location.file | some f in findings} == {"regions/us-east-1.ts", "regions/us-west-2.ts"}
	some f in findings
	f.message == "no region serves traffic (us-east-1=0 + us-west-2=0), expected weights summing to 100"
}
