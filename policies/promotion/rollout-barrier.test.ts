import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleRepo, modelAt } from '../../tests/helpers/example-repo';
import type { Model } from '../../schemas';
import { checkBarrier } from './rollout-barrier';

/** Whatever stands at a region's Prometheus URL: each path prefix answers one body, whatever the query. */
const ANSWERS: Record<string, { type: string; body: string }> = {
  array: { type: 'application/json', body: '[1, 2]' },
  html: { type: 'text/html', body: '<html><body>Sign in</body></html>' },
  string: { type: 'application/json', body: '"ok"' },
  null: { type: 'application/json', body: 'null' },
  'number-data': { type: 'application/json', body: '{"status":"success","data":5}' },
  'number-result': { type: 'application/json', body: '{"status":"success","data":{"resultType":"vector","result":5}}' },
  'null-sample': { type: 'application/json', body: '{"status":"success","data":{"resultType":"vector","result":[null]}}' },
  'prometheus-error': { type: 'application/json', body: '{"status":"error","errorType":"bad_data","error":"parse error"}' },
};

let server: Server;
let base: string;
let model: Model;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url!.startsWith('/guarded/')) {
      const granted = request.headers.authorization === `Basic ${Buffer.from('ops:s3cr@t').toString('base64')}`;
      response.writeHead(granted ? 200 : 401, { 'content-type': 'application/json' }).end(granted ? ANSWERS['prometheus-error']!.body : '{"status":"error","error":"unauthorized"}');
      return;
    }
    const answer = ANSWERS[request.url!.split('/')[1]!]!;
    response.writeHead(200, { 'content-type': answer.type }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  model = await modelAt(await exampleRepo());
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function verdictFrom(answer: keyof typeof ANSWERS | 'guarded', url = `${base}/${answer}`) {
  const region = model.regions.find((candidate) => candidate.id === 'us-west-2')!;
  const pointed: Model = { ...model, regions: [{ ...region, observability: { ...region.observability, prometheusUrl: url } }] };
  const [verdict] = await checkBarrier(pointed, model.apps[0]!, `sha256:${'a1'.repeat(32)}`, ['us-west-2']);
  return { url, verdict: verdict! };
}

describe('the release barrier reads only a Prometheus instant-vector answer', () => {
  it.each([
    ['array', 'not an instant-vector answer (expected an object, got 2 items [1,2])'],
    ['html', 'the body is not JSON'],
    ['string', 'not an instant-vector answer (expected an object, got "ok")'],
    ['null', 'not an instant-vector answer (expected an object, got null)'],
    ['number-data', 'not an instant-vector answer (data: expected an object, got 5)'],
    ['number-result', 'not an instant-vector answer (data.result: expected an array, got 5)'],
    ['null-sample', 'not an instant-vector answer (data.result[0]: expected an object, got null)'],
    ['prometheus-error', 'parse error'],
  ] as const)('turns a %s answer into one failing line that names the URL', async (answer, problem) => {
    const { url, verdict } = await verdictFrom(answer);
    expect(verdict.healthy).toBe(false);
    expect(verdict.details).toHaveLength(1);
    expect(verdict.details[0]).toMatch(new RegExp(`^Prometheus at ${url} did not answer .*: HTTP 200, `));
    expect(verdict.details[0]!.endsWith(problem)).toBe(true);
    expect(verdict.details[0]).not.toContain('\n');
  });
});

describe('a Prometheus behind basic auth', () => {
  it('is asked with the URL’s credentials as basic auth, and named in the verdict without them', async () => {
    const { verdict } = await verdictFrom('guarded', `${base.replace('http://', 'http://ops:s3cr%40t@')}/guarded`);
    const shown = `${base.replace('http://', 'http://***@')}/guarded`;
    expect(verdict.prometheusUrl).toBe(shown);
    // "parse error" is the answer a request with the right credentials gets.
    expect(verdict.details).toEqual([expect.stringMatching(new RegExp(`^Prometheus at ${shown.replace(/[*]/g, '\\*')} did not answer .*: HTTP 200, parse error$`))]);
    expect(JSON.stringify(verdict)).not.toMatch(/s3cr|ops:/);
  });
});
