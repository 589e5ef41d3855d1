/**
 * The service-level signals every app exports, as PromQL, in one place: the canary analysis, the alerts
 * and the dashboards must measure the same thing or an aborted canary and a quiet pager would disagree.
 *
 * Apps export OpenTelemetry's HTTP server histogram, which Prometheus receives as
 * `http_server_request_duration_seconds_{bucket,count,sum}` with the label `http_response_status_code`.
 * Prometheus' pod scrape adds `namespace`, `pod` and the pod labels, among them Argo Rollouts'
 * `rollouts_pod_template_hash`, which tells a canary's pods from the stable ones.
 */
export const REQUEST_DURATION = 'http_server_request_duration_seconds';

/** A PromQL label matcher list, rendered in a stable order: `{a="1",b=~"2"}`. */
export function selector(matchers: Readonly<Record<string, string>>): string {
  const rendered = Object.keys(matchers)
    .sort()
    .map((label) => {
      const value = matchers[label]!;
      return value.startsWith('~') ? `${label}=~"${value.slice(1)}"` : `${label}="${value}"`;
    });
  return `{${rendered.join(',')}}`;
}

/** Share of requests answered with a 5xx, 0..1, over `window`. NaN when there was no traffic. */
export function errorRatio(matchers: Readonly<Record<string, string>>, window: string): string {
  const failed = selector({ ...matchers, http_response_status_code: '~5..' });
  const all = selector(matchers);
  return `sum(rate(${REQUEST_DURATION}_count${failed}[${window}])) / sum(rate(${REQUEST_DURATION}_count${all}[${window}]))`;
}

/** Requests per second over `window`, all status codes. */
export function requestRate(matchers: Readonly<Record<string, string>>, window: string): string {
  return `sum(rate(${REQUEST_DURATION}_count${selector(matchers)}[${window}]))`;
}

/** 95th percentile request duration in seconds over `window`. NaN when there was no traffic. */
export function p95LatencySeconds(matchers: Readonly<Record<string, string>>, window: string): string {
  return `histogram_quantile(0.95, sum by (le) (rate(${REQUEST_DURATION}_bucket${selector(matchers)}[${window}])))`;
}
