import type { Model, Region } from '../../schemas';

/** The `job` label of every blackbox probe series; the alerts and dashboards select on it. */
export const PROBE_JOB = 'region-endpoints';

/** What one region's blackbox exporter probes, and the labels its series carry. */
export interface ProbeTarget {
  /** Names the Probe object: `regional-endpoint-<peer>` or `global-endpoint`. */
  readonly name: string;
  readonly url: string;
  /** The probed host name; tells the series apart. */
  readonly host: string;
  /** The peer region whose regional endpoint this is; absent for the global name. */
  readonly targetRegion?: string;
  readonly intervalSeconds: number;
  /** How long the endpoint must fail before it counts as down: the interval times the failure threshold Route 53 applies to it. */
  readonly failForSeconds: number;
  /** Labels added to every series of the probe. */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * From inside a region, every peer region's regional endpoint and the global name, probed the way
 * Route 53 checks them (same path, interval and failure threshold). A region is judged from its peers:
 * when it is down its own Prometheus says nothing, so "us-west-2 cannot reach us-east-1" must come from
 * us-west-2.
 */
export function probeTargets(model: Model, region: Region): ProbeTarget[] {
  const { global } = model;
  const target = (name: string, host: string, healthCheckOf: Region, targetRegion?: Region): ProbeTarget => ({
    name,
    url: `https://${host}${healthCheckOf.healthCheck.path}`,
    host,
    ...(targetRegion ? { targetRegion: targetRegion.id } : {}),
    intervalSeconds: healthCheckOf.healthCheck.intervalSeconds,
    failForSeconds: healthCheckOf.healthCheck.intervalSeconds * healthCheckOf.healthCheck.failureThreshold,
    labels: {
      source_region: region.id,
      ...(targetRegion ? { target_region: targetRegion.id } : {}),
      endpoint: targetRegion ? 'regional' : 'global',
      host,
    },
  });
  const peers = model.regions.filter((peer) => peer.id !== region.id);
  return [
    ...peers.map((peer) => target(`regional-endpoint-${peer.id}`, `${peer.dns.regionalRecord}.${peer.dns.zone}`, peer, peer)),
    target('global-endpoint', `${global.dns.record}.${global.dns.zone}`, region),
  ];
}
