import type { App } from './app';
import type { ClusterPolicyEntry } from './cluster-policy';
import type { Global } from './global';
import type { Region } from './region';
import { withDigest, type Release } from './release';
import type { ReplicationRules } from './replication';

/** The validated whole: everything synthesis and the policies see. Regions sorted by id, apps by name. */
export interface Model {
  global: Global;
  regions: Region[];
  apps: App[];
  replication: ReplicationRules;
  /** Promotions in flight (`apps/releases.yaml`), sorted by app. */
  releases: Release[];
  /** Kyverno policies shipped to every region's cluster (`policies/kyverno/<id>/policy.yaml`), sorted by id. */
  clusterPolicies: ClusterPolicyEntry[];
}

/** Which file each part of the model came from, so later findings can point back at it. */
export interface ModelSources {
  global: string;
  replicationRules: string;
  regions: Record<string, string>;
  apps: Record<string, string>;
}

export function primaryRegion(model: Model): Region {
  const primary = model.regions.find((region) => region.role === 'primary');
  if (!primary) throw new Error('a validated model always has a primary region');
  return primary;
}

/** Regions an app runs in, in model order. */
export function regionsOfApp(model: Model, app: App): Region[] {
  return app.regions ? model.regions.filter((region) => app.regions!.includes(region.id)) : model.regions;
}

/**
 * The image an app runs in a region: its `image`, unless a release in flight has already switched the
 * region to the new digest. Charts render this, never `app.image` directly, so a wave changes only its regions.
 */
export function imageOf(model: Model, app: App, region: Region): string {
  const release = model.releases.find((candidate) => candidate.app === app.name);
  return release?.regions.includes(region.id) ? withDigest(app.image, release.digest) : app.image;
}
