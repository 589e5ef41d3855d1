import { stringify } from 'yaml';
import { z } from 'zod';
import type { App } from './app';
import { isoDateTime, owner, slug } from './common';
import { singleLineText } from './limits';
import { describeValue, located, type Located, type PathSegment, type Position } from './located';

/** An image digest as registries report it; the repository comes from the app's `image`. */
export const imageDigest = z.string().regex(/^sha256:[a-f0-9]{64}$/, { error: 'a digest like sha256:<64 lower-case hex digits>' });

/**
 * What `npm run promote` saw before it switched a wave after the first: each region that had to be healthy,
 * with the verdict its Prometheus gave. An assertion a reviewer can check against monitoring, not a proof.
 */
export const barrierRecordSchema = z.strictObject({
  /** The wave this barrier opened, counted among the waves the app runs in (2 is the first one with a barrier). */
  wave: z.number().int().min(2, { error: 'a wave after the first (the first wave has no barrier)' }),
  /** The digest whose rollout was healthy: a record copied onto another release does not open that release's wave. */
  digest: imageDigest,
  checkedAt: isoDateTime,
  /** Region id → what its Prometheus reported, e.g. "Rollout orders-api Completed; all 3 pods run @sha256:…". */
  regions: z.record(slug, singleLineText(1, "what the region's Prometheus reported")),
});

/**
 * A new version of one app on its way through the promotion waves: the regions listed run `digest`,
 * every other region of the app still runs the app's `image`.
 */
export const releaseSchema = z.strictObject({
  app: slug,
  digest: imageDigest,
  /** Regions already switched to `digest`, whole waves in the order of `delivery.waves`. */
  regions: z.array(slug).min(1, { error: 'at least one region (a release starts with the first wave)' }),
  /** Who started the promotion, for whoever finds it half-way. */
  startedBy: owner.optional(),
  /** One record per wave after the first, written by `npm run promote` when the barrier before it was met. */
  barriers: z.array(barrierRecordSchema).optional(),
});

export const releasesSchema = z.strictObject({
  releases: z.array(releaseSchema).default([]),
});

export type Release = z.output<typeof releaseSchema>;
export type BarrierRecord = z.output<typeof barrierRecordSchema>;

/** `repo@sha256:old` with `sha256:new` → `repo@sha256:new`: a release changes the digest, never the repository. */
export function withDigest(image: string, digest: string): string {
  return `${image.slice(0, image.lastIndexOf('@'))}@${digest}`;
}

export function digestOf(image: string): string {
  return image.slice(image.lastIndexOf('@') + 1);
}

/** The declared waves narrowed to the regions an app runs in; waves left empty are skipped. */
export function wavesOf(waves: readonly (readonly string[])[], appRegions: readonly string[]): string[][] {
  return waves.map((wave) => wave.filter((id) => appRegions.includes(id))).filter((wave) => wave.length > 0);
}

const RELEASES_HEADER = `# yaml-language-server: $schema=../schemas/releases.schema.json
# Promotions in flight, written by \`npm run promote\`: each app's new digest and the regions already switched
# to it, whole waves in the order of delivery.waves (regions/global.yaml). Every other region runs the app's image.
`;

/** The releases file exactly as `npm run promote` writes it, releases ordered by app. */
export function releasesYaml(releases: readonly Release[]): string {
  const sorted = [...releases].sort((a, b) => a.app.localeCompare(b.app));
  return `${RELEASES_HEADER}${stringify({ releases: sorted }, { lineWidth: 0 })}`;
}

export interface ReleaseContext {
  apps: readonly App[];
  /** Every region id, or undefined while some region file is invalid. */
  regionIds: readonly string[] | undefined;
  waves: readonly (readonly string[])[] | undefined;
}

/**
 * Rules that tie a release to the rest of the model: it names a known app, regions that app runs in,
 * and whole waves in the declared order, so a hand edit cannot skip the barrier between two waves.
 */
export function checkReleases(
  releases: readonly Release[],
  { apps, regionIds, waves }: ReleaseContext,
  file: string,
  positionOf?: (path: readonly PathSegment[]) => Position | undefined,
): Located[] {
  const errors: Located[] = [];
  const at = (path: PathSegment[], expected: string, found: string) => errors.push(located(file, path, expected, found, positionOf?.(path)));
  const seen = new Set<string>();
  releases.forEach((release, index) => {
    const app = apps.find((candidate) => candidate.name === release.app);
    if (!app) {
      at(['releases', index, 'app'], `an app defined in apps/ (${apps.map((a) => a.name).join(', ')})`, JSON.stringify(release.app));
      return;
    }
    if (seen.has(release.app)) at(['releases', index, 'app'], 'one release in flight per app', `a second release of ${release.app}`);
    seen.add(release.app);
    if (!regionIds) return;
    const appRegions = app.regions ?? regionIds;
    const before = errors.length;
    release.regions.forEach((id, i) => {
      if (!regionIds.includes(id)) at(['releases', index, 'regions', i], `a region id (${regionIds.join(', ')})`, JSON.stringify(id));
      else if (!appRegions.includes(id)) at(['releases', index, 'regions', i], `a region ${app.name} runs in (${appRegions.join(', ')})`, JSON.stringify(id));
    });
    // The order is judged only once every listed region is one the app runs in.
    if (errors.length > before || !waves) return;
    const prefixes = wavesOf(waves, appRegions).map((_, n, all) => all.slice(0, n + 1).flat());
    if (!prefixes.some((prefix) => prefix.join() === release.regions.join())) {
      at(['releases', index, 'regions'], `whole waves in the order of delivery.waves: ${prefixes.map((prefix) => JSON.stringify(prefix)).join(' or ')}`, describeValue(release.regions));
    }
  });
  return errors;
}
