import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../../tests/helpers/thrown';
import { instantQuery, PrometheusError, rangeQuery } from './prometheus-api';

const RANGE = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-01T01:00:00Z'), stepSeconds: 60 };

/** Whatever stands at a Prometheus URL: each path prefix is one behaviour, whatever the query. */
const BEHAVIOURS: Record<string, (response: ServerResponse) => void> = {
  vector: (response) => json(response, 200, '{"status":"success","data":{"resultType":"vector","result":[]}}'),
  matrix: (response) => json(response, 200, '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1767225600,"0.25"]]}]}}'),
  'matrix-bad-values': (response) => json(response, 200, '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[["x","1"]]}]}}'),
  'multi-line-error': (response) => json(response, 400, '{"status":"error","errorType":"bad_data","error":"1:5: parse error:\\n  unexpected\\n  end of input"}'),
  unavailable: (response) => json(response, 503, '{"status":"success","data":{"resultType":"matrix","result":[]}}'),
  silent: () => undefined,
  'stalled-body': (response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"status":"success",');
  },
  huge: (response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    const chunk = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 17; i++) response.write(chunk);
    response.end();
  },
};

function json(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => BEHAVIOURS[request.url!.split('/')[1]!]!(response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function failure(promise: Promise<unknown>): Promise<PrometheusError> {
  const error = await rejection(PrometheusError, promise);
  expect(error.message).not.toContain('\n');
  return error;
}

describe('the Prometheus API client', () => {
  it('reads a range answer into series of [seconds, value] pairs', async () => {
    await expect(rangeQuery(`${base}/matrix`, 'up', RANGE, { timeoutMs: 2000 })).resolves.toEqual([{ metric: {}, values: [[1767225600, '0.25']] }]);
  });

  it('refuses an instant-vector answer to a range query, naming the URL and what was wrong', async () => {
    const error = await failure(rangeQuery(`${base}/vector`, 'up', RANGE, { timeoutMs: 2000 }));
    expect(error.url).toBe(`${base}/vector`);
    expect(error.message).toBe(`Prometheus at ${base}/vector did not answer up: HTTP 200, not a range-vector answer (data.resultType: expected "matrix", got "vector")`);
  });

  it('refuses a range answer whose sample times are not numbers', async () => {
    const error = await failure(rangeQuery(`${base}/matrix-bad-values`, 'up', RANGE, { timeoutMs: 2000 }));
    expect(error.message).toMatch(/HTTP 200, not a range-vector answer \(data\.result\[0\]\.values\[0\]\[0\]: expected a number, got "x"\)$/);
  });

  it("quotes Prometheus' own error on one line", async () => {
    const error = await failure(instantQuery(`${base}/multi-line-error`, 'up{', { timeoutMs: 2000 }));
    expect(error.message).toBe(`Prometheus at ${base}/multi-line-error did not answer up{: HTTP 400, 1:5: parse error: unexpected end of input`);
  });

  it('refuses a well-formed answer sent with an error status', async () => {
    const error = await failure(rangeQuery(`${base}/unavailable`, 'up', RANGE, { timeoutMs: 2000 }));
    expect(error.message).toMatch(/: HTTP 503, no error given$/);
  });

  it.each(['silent', 'stalled-body'])('gives up on a %s server after the timeout', async (behaviour) => {
    const started = performance.now();
    const error = await failure(instantQuery(`${base}/${behaviour}`, 'up', { timeoutMs: 300 }));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error.message).toBe(`Prometheus at ${base}/${behaviour} did not answer up within 300 ms`);
  });

  it('stops reading an answer larger than 16 MiB', async () => {
    const error = await failure(instantQuery(`${base}/huge`, 'up', { timeoutMs: 5000 }));
    expect(error.message).toMatch(/: HTTP 200, the body is larger than 16 MiB$/);
  });

  it('says a URL nothing listens on is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(instantQuery(url, 'up', { timeoutMs: 2000 }));
    expect(error.message).toMatch(new RegExp(`^Prometheus at ${url} is unreachable \\(.*ECONNREFUSED.*\\)$`));
  });
});
