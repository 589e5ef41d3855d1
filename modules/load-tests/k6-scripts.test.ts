import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../../schemas';
import { modelAt, REPO_ROOT } from '../../tests/helpers/example-repo';
import { embeddedOptions, k6Scripts, type K6Options } from './k6-scripts';

let model: Model;
let scripts: Map<string, string>;
/** The SLO as committed in regions/global.yaml, read here on its own rather than through the code under test. */
let slo: { crossRegionP95LatencyMs: number; errorRatePercent: number };

beforeAll(async () => {
  model = await modelAt(REPO_ROOT);
  scripts = k6Scripts(model);
  slo = (parse(await readFile(path.join(REPO_ROOT, 'regions', 'global.yaml'), 'utf8')) as { slo: typeof slo }).slo;
});

const optionsOf = (file: string): K6Options => {
  const options = embeddedOptions(scripts.get(file)!);
  expect(options, `${file} embeds its options`).toBeDefined();
  return options!;
};

describe('k6 SLO load tests', () => {
  it('are one script per region and one across regions', () => {
    expect([...scripts.keys()].sort()).toEqual([...model.regions.map((region) => `${region.id}.js`), 'cross-region.js'].sort());
  });

  it('parse as JavaScript modules that import k6 and export options and a default function', () => {
    for (const [file, script] of scripts) {
      expect(() => transformSync(script, { loader: 'js', format: 'esm' }), file).not.toThrow();
      expect(script).toMatch(/^import http from 'k6\/http';$/m);
      expect(script).toMatch(/^export default function \(\) \{$/m);
    }
  });

  it('hold each region to p(95) under the cross-region latency SLO and a failure rate under the error-rate SLO of global.yaml', () => {
    expect(slo).toEqual(expect.objectContaining({ crossRegionP95LatencyMs: 400, errorRatePercent: 1 }));
    for (const region of model.regions) {
      expect(optionsOf(`${region.id}.js`).thresholds).toEqual({ http_req_duration: ['p(95)<400'], http_req_failed: ['rate<0.01'] });
    }
  });

  it('judge the cross-region test as a whole and per region, the global record included', () => {
    const { thresholds, scenarios } = optionsOf('cross-region.js');
    const latency = [`p(95)<${slo.crossRegionP95LatencyMs}`];
    const errors = [`rate<${slo.errorRatePercent / 100}`];
    const tags = [...model.regions.map((region) => region.id), 'global'];
    expect(thresholds).toEqual({
      http_req_duration: latency,
      http_req_failed: errors,
      ...Object.fromEntries(tags.flatMap((tag) => [[`http_req_duration{region:${tag}}`, latency], [`http_req_failed{region:${tag}}`, errors]])),
    });
    expect(Object.keys(scenarios).sort()).toEqual([...tags].sort());
  });

  it('send each scenario to its own region’s record, tagged with the region', () => {
    const { scenarios } = optionsOf('cross-region.js');
    for (const region of model.regions) {
      expect(scenarios[region.id]).toEqual(
        expect.objectContaining({ env: { TARGET: `https://${region.dns.regionalRecord}.${region.dns.zone}`, TARGET_PATH: region.healthCheck.path }, tags: { region: region.id } }),
      );
    }
    expect(scenarios.global!.env.TARGET).toBe(`https://${model.global.dns.record}.${model.global.dns.zone}`);
  });

  it('follow a changed SLO', () => {
    const tighter: Model = { ...model, global: { ...model.global, slo: { ...model.global.slo, crossRegionP95LatencyMs: 250, errorRatePercent: 0.5 } } };
    const region = model.regions[0]!;
    expect(embeddedOptions(k6Scripts(tighter).get(`${region.id}.js`)!)!.thresholds).toEqual({ http_req_duration: ['p(95)<250'], http_req_failed: ['rate<0.005'] });
  });

  it('reads no options from a script that lacks them', () => {
    expect(embeddedOptions("import http from 'k6/http';\nexport default function () {}\n")).toBeUndefined();
  });
});
