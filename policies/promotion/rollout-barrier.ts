import { z } from 'zod';
import { expectation, issueToLocated, type App, type Model, type Region } from '../../schemas';

/** One region's answer to "has the previous wave's rollout finished healthily on the new digest?". */
export interface RegionVerdict {
  region: string;
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
  const verdict = (healthy: boolean, details: string[]) => ({ region: region.id, prometheusUrl: url, healthy, details });
  let rollouts: Sample[];
  let pods: Sample[];
  try {
    [rollouts, pods] = await Promise.all([instantQuery(url, rolloutQuery(app.name)), instantQuery(url, podsQuery(app.name))]);
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

type Sample = z.infer<typeof vectorAnswer>['data']['result'][number];

/** The only answer the barrier reads: anything else from the URL (a proxy's HTML page, a different API) is no answer. */
const vectorAnswer = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('vector'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) })),
  }),
});

async function instantQuery(base: string, promql: string): Promise<Sample[]> {
  const url = new URL('api/v1/query', base.endsWith('/') ? base : `${base}/`);
  url.searchParams.set('query', promql);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new Error(`Prometheus at ${base} is unreachable (${cause})`);
  }
  const body: unknown = await response.json().catch(() => undefined);
  const answer = vectorAnswer.safeParse(body, { reportInput: true, error: expectation });
  if (!response.ok || !answer.success) throw new Error(`Prometheus at ${base} did not answer ${promql}: HTTP ${response.status}, ${answerProblem(body, answer.error)}`);
  return answer.data.data.result;
}

/** Prometheus' own error when it sent one, else what is wrong with the body, in one line. */
function answerProblem(body: unknown, error: z.ZodError | undefined): string {
  if (body === undefined) return 'the body is not JSON';
  const reported = (body as { error?: unknown } | null)?.error;
  if (typeof reported === 'string') return reported;
  const issue = error?.issues[0];
  if (!issue) return 'no error given';
  const { path, message } = issueToLocated('', issue);
  return `not an instant-vector answer (${path ? `${path}: ` : ''}${message})`;
}
