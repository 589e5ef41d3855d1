import type { Model, Region } from '../../../schemas';
import { PROBE_JOB, probeTargets, type ProbeTarget } from '../probe-targets';
import { selector } from '../service-metrics';
import { duration, type AlertDefinition } from './alert';

/**
 * ACM starts renewing a certificate 60 days before it expires; with fewer than 15 days left renewal has
 * been failing for weeks (usually a broken DNS validation record) and a person has to act.
 */
export const CERTIFICATE_MIN_DAYS = 15;
/** A certificate does not recover by itself; an hour keeps one probe of a stale edge from opening a ticket. */
const CERTIFICATE_FOR_SECONDS = 3600;
const DAY_SECONDS = 86400;

/** Alerts on what the region's blackbox exporter sees of its peers and of the global name. */
export function probeAlerts(model: Model, region: Region): AlertDefinition[] {
  const targets = probeTargets(model, region);
  return [...targets.map((target) => unreachable(region, target)), ...targets.map((target) => certificateExpiring(region, target))];
}

/** One series the blackbox exporter writes for `target`, with every label it carries. */
export const probeSeries = (metric: string, target: ProbeTarget) => `${metric}${selector({ ...target.labels, job: PROBE_JOB })}`;
const probeSelector = (metric: string, target: ProbeTarget) => `${metric}${selector({ job: PROBE_JOB, host: target.host })}`;

/** PromQL: 1 while the latest probe of `target` succeeded, 0 while it fails; no sample when nothing probes it. */
export function probeSuccess(target: ProbeTarget): string {
  return `max(${probeSelector('probe_success', target)})`;
}

function unreachable(region: Region, target: ProbeTarget): AlertDefinition {
  const common = {
    severity: 'critical' as const,
    expr: `${probeSuccess(target)} < 1`,
    forSeconds: target.failForSeconds,
    test: { series: [{ series: probeSeries('probe_success', target), kind: 'gauge' as const, quiet: 1, fire: 0 }], windowSeconds: 0 },
  };
  const failing = `every probe of ${target.url} from ${region.id} has failed for ${duration(target.failForSeconds)} (connection, TLS or a non-2xx answer)`;
  if (target.targetRegion === undefined) {
    return {
      name: 'GlobalEndpointUnreachable',
      ...common,
      summary: `${region.id} cannot reach the global name ${target.host}`,
      description: `The blackbox exporter in ${region.id}: ${failing}. Users resolving ${target.host} near ${region.id} are likely failing too.`,
      labels: {},
    };
  }
  return {
    name: 'PeerRegionUnreachable',
    ...common,
    summary: `${region.id} cannot reach ${target.targetRegion}`,
    description: `The blackbox exporter in ${region.id}: ${failing}. Confirm with the edge (Route 53, Global Accelerator) before acting on ${target.targetRegion}.`,
    labels: { target_region: target.targetRegion },
  };
}

function certificateExpiring(region: Region, target: ProbeTarget): AlertDefinition {
  const threshold = CERTIFICATE_MIN_DAYS * DAY_SECONDS;
  return {
    name: 'CertificateExpiringSoon',
    severity: 'warning',
    expr: `min(${probeSelector('probe_ssl_earliest_cert_expiry', target)}) - time() < ${threshold}`,
    forSeconds: CERTIFICATE_FOR_SECONDS,
    summary: `The certificate ${target.host} serves expires in less than ${CERTIFICATE_MIN_DAYS} days`,
    description: `The earliest-expiring certificate in the chain ${target.url} presents to ${region.id} expires in less than ${CERTIFICATE_MIN_DAYS} days; ACM should have renewed it 60 days ahead.`,
    labels: { host: target.host },
    // Expiry is a timestamp compared with time(), which starts at 0 in promtool: a day on either side of the threshold.
    test: { series: [{ series: probeSeries('probe_ssl_earliest_cert_expiry', target), kind: 'gauge', quiet: threshold + DAY_SECONDS, fire: threshold - DAY_SECONDS }], windowSeconds: 0 },
  };
}
