package multiregion.policies.change.release_barrier_skipped_test

import data.multiregion.classification
import data.multiregion.policies.change.release_barrier_skipped as policy
import data.multiregion.test.fixtures

digest := "sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"

# Waves us-west-2, then us-east-1; the release of orders-api has switched `regions`.
releasing(regions, barriers) := [
	{"op": "add", "path": "/global/delivery", "value": {"waves": [["us-west-2"], ["us-east-1"]]}},
	{"op": "add", "path": "/releases", "value": [{"app": "orders-api", "digest": digest, "regions": regions, "barriers": barriers}]},
]

barrier(wave, regions) := {"wave": wave, "checkedAt": "2026-11-20T11:00:00.000Z", "regions": regions}

healthy_west := {"us-west-2": "Rollout orders-api Completed; all 3 pods run @sha256:a1a1"}

test_first_wave_needs_no_barrier if {
	count(policy.deny) == 0 with input as fixtures.with_model(releasing(["us-west-2"], []))
}

test_wave_opened_by_promote_passes if {
	count(policy.deny) == 0 with input as fixtures.with_model(releasing(["us-west-2", "us-east-1"], [barrier(2, healthy_west)]))
}

test_wave_added_by_hand_fires if {
	findings := policy.deny with input as fixtures.with_model(releasing(["us-west-2", "us-east-1"], []))
	findings == {{
		"message": sprintf("release of orders-api %s switched wave 2 (us-east-1) without a barrier record; expected a barriers entry with wave 2 giving the healthy rollout in us-west-2, as npm run promote writes it", [digest]),
		"location": {"file": "apps/releases.yaml", "path": "releases[0].regions"},
	}}
}

test_record_of_another_wave_or_region_does_not_count if {
	count(policy.deny) == 1 with input as fixtures.with_model(releasing(["us-west-2", "us-east-1"], [barrier(3, healthy_west)]))
	count(policy.deny) == 1 with input as fixtures.with_model(releasing(["us-west-2", "us-east-1"], [barrier(2, {"us-east-1": "Rollout orders-api Completed"})]))
}

test_waves_are_counted_among_the_app_regions if {
	only_east := array.concat(
		releasing(["us-east-1"], []),
		[{"op": "add", "path": "/apps/0/regions", "value": ["us-east-1"]}],
	)
	count(policy.deny) == 0 with input as fixtures.with_model(only_east)
}

test_skipped_barrier_makes_the_change_cab_required if {
	change := object.union(
		fixtures.changed(releasing(["us-west-2"], []), releasing(["us-west-2", "us-east-1"], [])),
		{"change": {"files": [{"path": "apps/releases.yaml", "status": "modified"}], "terraform": {}, "manifests": {}}},
	)
	result := classification.result with input as change
	result.class == "cab-required"
	result.rule == "release-barrier-skipped"
}
