import type { App, Global, Region } from '../../schemas';

/** Region of every object, so policies, dashboards and alerts can tell the regions' objects apart. */
export const REGION_LABEL = 'topology.example.com/region';
/** Team answerable for the object (the app's owner, or the platform team), as `org.team`. */
export const OWNER_LABEL = 'owner';
/** Argo CD applies lower waves first and waits for them to be healthy. */
export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** Label values cannot hold `@` or `/`: `@example-org/orders-team` → `example-org.orders-team`. */
export function ownerLabelValue(owner: string): string {
  return owner.replace(/^@/, '').replace(/\//g, '.');
}

/** The team of the catch-all CODEOWNERS rule, answerable for what no app owns (monitoring, cluster policies, Argo CD). */
export function platformOwner(global: Global): string {
  const rule = global.owners.find((candidate) => candidate.path === '*') ?? global.owners[0]!;
  return rule.owners[0]!;
}

export function regionLabels(global: Global, region: Region, owner: string = platformOwner(global)): Record<string, string> {
  return {
    'app.kubernetes.io/part-of': global.name,
    'app.kubernetes.io/managed-by': 'argocd',
    [REGION_LABEL]: region.id,
    [OWNER_LABEL]: ownerLabelValue(owner),
  };
}

export function appLabels(global: Global, region: Region, app: App): Record<string, string> {
  return { ...regionLabels(global, region, app.owner), 'app.kubernetes.io/name': app.name };
}

/** Selects an app's pods; stable across releases, so it never includes a version. */
export function appSelector(app: App): Record<string, string> {
  return { 'app.kubernetes.io/name': app.name };
}
