import { z } from 'zod';
import { expectation, issueToLocated, redactUrl, redactUrls } from '../../schemas';
import { readCapped } from '../http/read-capped';

/**
 * Prometheus' HTTP API as the release barrier and the console read it: an instant or a range query,
 * bounded by a timeout, and only a well-formed answer accepted. Anything else (no connection, a slow
 * server, a proxy's HTML page, a different API, Prometheus' own error) becomes a PrometheusError whose
 * message is one line naming the URL, so callers can show it as it is. A URL may carry credentials
 * (`https://user:password@host`, sent as basic auth): the error's URL and message name it redacted.
 */
export class PrometheusError extends Error {
  readonly url: string;

  constructor(url: string, message: string) {
    super(redactUrls(message));
    this.url = redactUrl(url);
    this.name = 'PrometheusError';
  }
}

const labels = z.record(z.string(), z.string());
/** `[unix seconds, "value"]`; the value is a string because it may be `NaN` or `+Inf`. */
const samplePair = z.tuple([z.number(), z.string()]);

const instantAnswer = z.object({
  status: z.literal('success'),
  data: z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: labels, value: samplePair })) }),
});

const rangeAnswer = z.object({
  status: z.literal('success'),
  data: z.object({ resultType: z.literal('matrix'), result: z.array(z.object({ metric: labels, values: z.array(samplePair) })) }),
});

export type InstantSample = z.infer<typeof instantAnswer>['data']['result'][number];
export type RangeSeries = z.infer<typeof rangeAnswer>['data']['result'][number];

/** Our answers are a handful of series; a URL that streams more is not a Prometheus worth reading. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
/** Prometheus' own error text is quoted, never a whole page. */
const MAX_REPORTED_CHARS = 300;

/** An instant query at `time` (Prometheus' own clock when absent). */
export async function instantQuery(base: string, promql: string, options: { timeoutMs: number; time?: Date }): Promise<InstantSample[]> {
  const params: Record<string, string> = { query: promql };
  if (options.time) params.time = unixSeconds(options.time);
  const answer = await ask(base, 'api/v1/query', params, promql, options.timeoutMs, instantAnswer, 'an instant-vector answer');
  return answer.data.result;
}

/** A range query from `start` to `end` every `stepSeconds`. */
export async function rangeQuery(base: string, promql: string, range: { start: Date; end: Date; stepSeconds: number }, options: { timeoutMs: number }): Promise<RangeSeries[]> {
  const params = { query: promql, start: unixSeconds(range.start), end: unixSeconds(range.end), step: String(range.stepSeconds) };
  const answer = await ask(base, 'api/v1/query_range', params, promql, options.timeoutMs, rangeAnswer, 'a range-vector answer');
  return answer.data.result;
}

/** A sample's value as a number; `NaN` (no traffic in the window) and unparsable values are no value. */
export function sampleValue(value: string): number | undefined {
  const parsed = Number(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

async function ask<T>(base: string, endpoint: string, params: Record<string, string>, promql: string, timeoutMs: number, schema: z.ZodType<T>, expected: string): Promise<T> {
  const url = new URL(endpoint, base.endsWith('/') ? base : `${base}/`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  // fetch refuses a URL with credentials in it; a Prometheus behind basic auth gets them as a header instead.
  const headers: Record<string, string> = {};
  if (url.username || url.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  let status: number;
  let text: string | undefined;
  try {
    // One signal bounds the whole exchange: a server that sends headers and then stalls the body is as slow as one that sends nothing.
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    status = response.status;
    text = await readCapped(response.body, MAX_ANSWER_BYTES);
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new PrometheusError(base, `Prometheus at ${base} did not answer ${promql} within ${timeoutMs} ms`);
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new PrometheusError(base, `Prometheus at ${base} is unreachable (${oneLine(cause)})`);
  }
  let body: unknown;
  try {
    body = text === undefined ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  const answer = schema.safeParse(body, { reportInput: true, error: expectation });
  if (status < 200 || status > 299 || !answer.success) {
    const problem = text === undefined ? `the body is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB` : answerProblem(body, answer.error, expected);
    throw new PrometheusError(base, `Prometheus at ${base} did not answer ${promql}: HTTP ${status}, ${problem}`);
  }
  return answer.data;
}

/** Prometheus' own error when it sent one, else what is wrong with the body, in one line. */
function answerProblem(body: unknown, error: z.ZodError | undefined, expected: string): string {
  if (body === undefined) return 'the body is not JSON';
  const reported = (body as { error?: unknown } | null)?.error;
  if (typeof reported === 'string') return oneLine(reported);
  const issue = error?.issues[0];
  if (!issue) return 'no error given';
  const { path, message } = issueToLocated('', issue);
  return `not ${expected} (${path ? `${path}: ` : ''}${message})`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_REPORTED_CHARS ? `${flat.slice(0, MAX_REPORTED_CHARS)}…` : flat;
}

function unixSeconds(time: Date): string {
  return (time.getTime() / 1000).toFixed(3);
}
