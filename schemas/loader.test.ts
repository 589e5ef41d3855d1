import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { exampleRepo, put, REPO_ROOT } from '../tests/helpers/example-repo';
import { loadModel } from '.';

describe('loading the inputs', () => {
  it('loads the example into a model with defaults applied and sources recorded', async () => {
    const result = await loadModel(REPO_ROOT);
    expect(result.errors).toBeUndefined();
    expect(result.model!.regions.map((region) => [region.id, region.role])).toEqual([
      ['us-east-1', 'primary'],
      ['us-west-2', 'secondary'],
    ]);
    expect(result.model!.apps.map((app) => app.name)).toEqual(['orders-api']);
    expect(result.model!.replication.dataSets.map((d) => d.store).sort()).toEqual(['aurora', 'kafka', 'redis', 's3']);
    expect(result.sources!.regions['us-west-2']).toBe('regions/us-west-2.ts');
    expect(result.model!.global.slo).toEqual({
      availabilityPercent: 99.95,
      crossRegionP95LatencyMs: 400,
      replicationLagSeconds: 30,
      errorRatePercent: 1,
      rtoMinutes: 15,
      rpoMinutes: 5,
    });
  });

  it('accepts a region written in YAML exactly like the same region in TypeScript', async () => {
    const typescript = await loadModel(REPO_ROOT);
    const root = await exampleRepo();
    const region = typescript.model!.regions.find((r) => r.id === 'us-west-2');
    await (await import('node:fs/promises')).rm(path.join(root, 'regions/us-west-2.ts'));
    await put(root, 'regions/us-west-2.yaml', stringify(region));
    const yaml = await loadModel(root);
    expect(yaml.errors).toBeUndefined();
    expect(yaml.model).toEqual(typescript.model);
    expect(yaml.sources!.regions['us-west-2']).toBe('regions/us-west-2.yaml');
  });

  it('never imports an input statically: inputs are read from the directory given', async () => {
    const root = await exampleRepo();
    const source = await readFile(path.join(root, 'regions/us-east-1.ts'), 'utf8');
    await put(root, 'regions/us-east-1.ts', source.replace("regionalRecord: 'api-use1'", "regionalRecord: 'api-east'"));
    const result = await loadModel(root);
    expect(result.model!.regions[0]!.dns.regionalRecord).toBe('api-east');
  });
});
