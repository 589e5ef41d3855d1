import { redactUrl, type App, type Model, type Region } from '../../schemas';
import { instantQuery, type InstantSample as Sample } from './prometheus-api';

/** One region's answer to "has the previous wave's rollout finished healthily on the new digest?". */
export interface RegionVerdict {
  region: string;
  /** Redacted: verdicts are shown to people and written into findings. */
  prometheusUrl: string;
  healthy: boolean;
  /** What was seen when healthy; what is missing or wrong when not. */
  details: string[];
}

/**
 * The barrier between two waves, asked of each region's own Prometheus: the app's Rollout is Completed
 * (Argo Rollouts' `rollout_info`) and every container of the app runs the new digest (kube-state-metrics'
 * `kube_pod_container_info`). No answer is a failing answer: an unreachable Prometheus or a missing series
 * keeps the next wave waiting.
 */
export async function checkBarrier(model: Model, app: App, digest: string, regionIds: readonly string[]): Promise<RegionVerdict[]> {
  const regions = regionIds.map((id) => model.regions.find((region) => region.id === id)!);
  return Promise.all(regions.map((region) => checkRegion(region, app, digest)));
}

/**
 * Selectors that hold whether or not the scrape kept the exporters' own labels: without `honor_labels`
 * (the Argo Rollouts chart's ServiceMonitor sets none) Prometheus renames labels that clash with the target's
 * own `namespace`, `pod` and `container` to `exported_namespace`, `exported_pod` and `exported_container`.
 */
function rolloutQuery(app: string): string {
  return `rollout_info{namespace="${app}",name="${app}"} or rollout_info{exported_namespace="${app}",name="${app}"}`;
}

function podsQuery(app: string): string {
  return `kube_pod_container_info{namespace="${app}",container="${app}"} or kube_pod_container_info{exported_namespace="${app}",exported_container="${app}"}`;
}

/** `rollout_info`'s phase once the new ReplicaSet is fully available (Argo Rollouts' calculatePhase). */
const COMPLETED = 'Completed';
const LISTED = 3;
/** A Prometheus slower than this is treated as down: the barrier fails closed rather than hang a release. */
const QUERY_TIMEOUT_MS = 10_000;

async function checkRegion(region: Region, app: App, digest: string): Promise<RegionVerdict> {
  const url = region.observability.prometheusUrl;
  const verdict = (healthy: boolean, details: string[]) => ({ region: region.id, prometheusUrl: redactUrl(url), healthy, details });
  let rollouts: Sample[];
  let pods: Sample[];
  try {
    const options = { timeoutMs: QUERY_TIMEOUT_MS };
    [rollouts, pods] = await Promise.all([instantQuery(url, rolloutQuery(app.name), options), instantQuery(url, podsQuery(app.name), options)]);
  } catch (error) {
    return verdict(false, [(error as Error).message]);
  }
  const problems = [...rolloutProblems(rollouts, app.name), ...podProblems(pods, app.name, digest)];
  if (problems.length) return verdict(false, problems);
  return verdict(true, [`Rollout ${app.name} ${COMPLETED}`, `${pods.length === 1 ? '1 pod runs' : `all ${pods.length} pods run`} @${digest}`]);
}

function rolloutProblems(samples: Sample[], app: string): string[] {
  if (!samples.length) return [`no rollout_info series for Rollout ${app} in namespace ${app} (is the Argo Rollouts controller scraped?)`];
  const phases = [...new Set(samples.map((sample) => sample.metric.phase ?? 'no phase'))].sort();
  return phases.filter((phase) => phase !== COMPLETED).map((phase) => `Rollout ${app} is ${phase}, expected ${COMPLETED} (rollout_info phase)`);
}

function podProblems(samples: Sample[], app: string, digest: string): string[] {
  if (!samples.length) return [`no kube_pod_container_info series for container ${app} in namespace ${app} (is kube-state-metrics scraped?)`];
  // image_spec is the image the pod spec asks for; `image` is what the runtime reports and may be a tag.
  const stale = samples.filter((sample) => !sample.metric.image_spec?.endsWith(`@${digest}`));
  if (!stale.length) return [];
  const listed = stale.slice(0, LISTED).map((sample) => `${sample.metric.exported_pod ?? sample.metric.pod ?? 'unnamed pod'} (${sample.metric.image_spec ?? 'no image_spec label'})`);
  const more = stale.length > LISTED ? `, and ${stale.length - LISTED} more` : '';
  return [`${stale.length} of ${samples.length} pods do not run @${digest}: ${listed.join(', ')}${more}`];
}
