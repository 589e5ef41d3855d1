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

barrier(wave, regions) := {"wave": wave, "digest": digest, "checkedAt": "2026-11-20T11:00:00.000Z", "regions": regions}

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

test_record_for_another_digest_does_not_count if {
	copied := object.union(barrier(2, healthy_west), {"digest": "sha256:b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"})
	count(policy.deny) == 1 with input as fixtures.with_model(releasing(["us-west-2", "us-east-1"], [copied]))
}

releases_change(base_patch, head_patch) := object.union(
	fixtures.changed(base_patch, head_patch),
	{"change": {"files": [{"path": "apps/releases.yaml", "status": "modified"}], "terraform": {}, "manifests": {}}},
)

test_skip_already_on_the_base_leaves_the_change_to_its_own_rules if {
	skipped_on_base := releasing(["us-west-2", "us-east-1"], [])
	result := classification.result with input as releases_change(skipped_on_base, array.concat(skipped_on_base, [{"op": "add", "path": "/releases/0/startedBy", "value": "@example-org/orders-team"}]))
	result.class == "standard"
	not "release-barrier-skipped" in {r.rule | some r in result.reasons}
}

repository := "registry.example.com/orders-api"

old_image := sprintf("%s@sha256:%s", [repository, "0000000000000000000000000000000000000000000000000000000000000000"])

# orders-api runs `image`, with the releases `releases` in flight (waves us-west-2, then us-east-1).
running(image, releases) := [
	{"op": "add", "path": "/global/delivery", "value": {"waves": [["us-west-2"], ["us-east-1"]]}},
	{"op": "add", "path": "/apps/0/image", "value": image},
	{"op": "add", "path": "/releases", "value": releases},
]

new_image := sprintf("%s@%s", [repository, digest])

switched(regions) := {"app": "orders-api", "digest": digest, "regions": regions, "barriers": [barrier(2, healthy_west)]}

image_change(base_patch, head_patch) := object.union(
	fixtures.changed(base_patch, head_patch),
	{"change": {"files": [{"path": "apps/orders-api.ts", "status": "modified"}, {"path": "apps/releases.yaml", "status": "modified"}], "terraform": {}, "manifests": {}}},
)

test_promote_finishing_a_release_that_switched_every_wave_passes if {
	change := image_change(running(old_image, [switched(["us-west-2", "us-east-1"])]), running(new_image, []))
	count(policy.deny) == 0 with input as change
	result := classification.result with input as change
	result.class == "standard"
}

test_image_edited_by_hand_fires_and_makes_the_change_cab_required if {
	change := image_change(running(old_image, []), running(new_image, []))
	findings := policy.deny with input as change
	findings == {{
		"message": sprintf("orders-api image changed from %s to %s outside npm run promote, which would switch every region at once; expected the image unchanged and the digest released with npm run promote -- orders-api <digest>, which changes the image once every wave passed its barrier", [old_image, new_image]),
		"location": {"file": "apps/orders-api.ts", "path": "image"},
	}}
	result := classification.result with input as change
	result.class == "cab-required"
	result.rule == "release-barrier-skipped"
}

test_image_edited_before_the_release_switched_every_wave_fires if {
	count(policy.deny) == 1 with input as image_change(running(old_image, [switched(["us-west-2"])]), running(new_image, []))
}

test_image_edited_to_another_digest_than_the_release_fires if {
	other := sprintf("%s@sha256:%s", [repository, "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"])
	count(policy.deny) == 1 with input as image_change(running(old_image, [switched(["us-west-2", "us-east-1"])]), running(other, []))
}

test_image_edited_while_the_release_stays_in_flight_fires if {
	released := [switched(["us-west-2", "us-east-1"])]
	count(policy.deny) == 1 with input as image_change(running(old_image, released), running(new_image, released))
}
