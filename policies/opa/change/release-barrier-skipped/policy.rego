# METADATA
# title: Release waves pass their barrier
# description: A new app version reaches the next wave of regions only once every region already switched reports a healthy rollout of it; that barrier is what keeps a bad digest in the secondary. npm run promote checks it against each region's Prometheus and records what it saw in the release (barriers in apps/releases.yaml); a wave switched without such a record for the release's digest was added by hand and skipped the barrier, and so was an app's image changed other than by promote's last step (which sets it to a release that has switched every wave). The record is an assertion a reviewer can check against monitoring; a hand-forged one is not detected here.
# custom:
#   severity: high
#   remediation: For an image changed by hand, restore it and release the new digest with `npm run promote -- <app> <digest>`, which changes the image once every wave passed its barrier. Otherwise take the wave out of the release's regions in apps/releases.yaml and switch it with `npm run promote -- <app> <digest>`, which checks the barrier and records it. In an emergency, waive the finding (policies/waivers.yaml) with the reason; the change is then CAB-required.
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

# An image edited directly goes to every region at once. Only promote's last step changes it: the base had a
# release of the app at that digest which switched every wave, and the change ends that release.
deny contains {
	"message": sprintf(
		"%s image changed from %s to %s outside npm run promote, which would switch every region at once; expected the image unchanged and the digest released with npm run promote -- %s <digest>, which changes the image once every wave passed its barrier",
		[change.app, change.from, change.to, change.app],
	),
	"location": lib.location(lib.app_file(change.app), "image"),
} if some change in image_changes

image_changes contains {"app": app.name, "from": before.image, "to": app.image} if {
	lib.comparing
	some app in input.model.apps
	some before in input.base.model.apps
	before.name == app.name
	before.image != app.image
	not finishes_release(before, app)
}

finishes_release(before, app) if {
	some release in input.base.model.releases
	release.app == app.name
	app.image == sprintf("%s@%s", [split(before.image, "@")[0], release.digest])
	base_waves := app_waves(app.name) with input.model as input.base.model
	every wave in base_waves {
		every id in wave {
			id in release.regions
		}
	}
	not in_flight(app.name)
}

in_flight(name) if {
	some release in object.get(input.model, "releases", [])
	release.app == name
}

# Skips the change brings in; one already on the base was judged when it merged, so it does not weigh on later changes.
introduced contains skip if {
	some skip in skipped
	not skip_key(skip) in base_skips
}

base_skips := keys if {
	lib.comparing
	keys := {skip_key(skip) | some skip in skipped} with input.model as input.base.model
} else := set()

skip_key(skip) := [skip.release.app, skip.release.digest, skip.wave]

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
	record.digest == release.digest
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
