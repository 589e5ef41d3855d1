import type { App } from './app';
import type { Global } from './global';
import type { Region } from './region';
import type { ReplicationRules } from './replication';

/** The validated whole: everything synthesis and the policies see. Regions sorted by id, apps by name. */
export interface Model {
  global: Global;
  regions: Region[];
  apps: App[];
  replication: ReplicationRules;
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
