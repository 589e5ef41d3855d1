import { describe, expect, it } from 'vitest';
import { errorRatio, p95LatencySeconds, selector } from './service-metrics';

describe('service metrics', () => {
  it('renders label matchers in a stable order, regex matchers with =~', () => {
    expect(selector({ pod: '~orders-.*', namespace: 'orders-api' })).toBe('{namespace="orders-api",pod=~"orders-.*"}');
  });

  it('measures the error ratio as 5xx responses over all responses of the same pods', () => {
    expect(errorRatio({ namespace: 'orders-api' }, '5m')).toBe(
      'sum(rate(http_server_request_duration_seconds_count{http_response_status_code=~"5..",namespace="orders-api"}[5m])) / sum(rate(http_server_request_duration_seconds_count{namespace="orders-api"}[5m]))',
    );
  });

  it('measures p95 latency from the request duration histogram', () => {
    expect(p95LatencySeconds({ namespace: 'orders-api' }, '5m')).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{namespace="orders-api"}[5m])))',
    );
  });
});
