# METADATA
# title: Release waves pass their barrier
# description: A new app version reaches the next wave of regions only once every region already switched reports a healthy rollout of it; that barrier is what keeps a bad digest in the secondary. npm run promote checks it against each region's Prometheus and records what it saw in the release (barriers in apps/releases.yaml); a wave switched without such a record was added by hand and skipped the barrier. The record is an assertion a reviewer can check against monitoring; a hand-forged one is not detected here.
# custom:
#   severity: high
#   remediation: Take the wave out of the release's regions in apps/releases.yaml and switch it with `npm run promote -- <app> <digest>`, which checks the barrier and records it. In an emergency, waive the finding (policies/waivers.yaml) with the reason; the change is then CAB-required.
package multiregion.policies.change.release_barrier_skipped

import data.multiregion.lib

releases_file := "apps/releases.yaml"

deny contains {
	"message": sprintf(
		"release of %s %s switched wave %d (%s) without a barrier record; expected a barriers entry with wave %d giving the healthy rollout in %s, as npm run promote writes it",
		[skip.release.app, skip.release.digest, skip.wave, concat(", ", skip.regions), skip.wave, concat(", ", skip.earlier)],
	),
	"location": lib.location(releases_file, sprintf("releases[%d].regions", [skip.index])),
} if some skip in skipped

# Every switched wave after the first that no barrier record opened, with the regions that had to be healthy.
skipped contains {"index": i, "release": release, "wave": k + 1, "regions": wave, "earlier": earlier} if {
	some i, release in object.get(input.model, "releases", [])
	waves := app_waves(release.app)
	some k, wave in waves
	k > 0
	every id in wave {
		id in release.regions
	}
	earlier := [id | some j, before in waves; j < k; some id in before]
	not recorded(release, k + 1, earlier)
}

recorded(release, wave, earlier) if {
	some record in object.get(release, "barriers", [])
	record.wave == wave
	every id in earlier {
		record.regions[id]
	}
}

# delivery.waves narrowed to the regions the app runs in, empty waves dropped: the waves npm run promote counts.
app_waves(name) := [wave |
	some declared in input.model.global.delivery.waves
	wave := [id | some id in declared; id in app_region_ids(name)]
	count(wave) > 0
]

app_region_ids(name) := object.get(app, "regions", {region.id | some region in input.model.regions}) if {
	some app in input.model.apps
	app.name == name
}
