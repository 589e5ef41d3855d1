import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGenerated } from '../modules/generated-dir';
import { edit, exampleRepo, REPO_ROOT } from './helpers/example-repo';

function runSynth(root: string) {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/run.mjs'), 'synth', '--root', root], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run synth', () => {
  it('writes nothing when the committed output is already current, and gives each standing failover plan its verdict', async () => {
    const root = await exampleRepo();
    const run = runSynth(root);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^synth: 2 regions, 1 app -> 4 Terraform stacks, \d+ manifests in generated\/ \(no changes\) in \d+ ms\n {2}failover us-east-1 → us-west-2: passes; RTO 570 s of 900 s \(losing us-east-1: .+\n {2}failover us-west-2 → us-east-1: passes; RTO 450 s of 900 s .+\n$/,
    );
  });

  it('rewrites only what an input change affects and lists it', async () => {
    const root = await exampleRepo();
    await edit(root, 'regions/us-west-2.ts', 'readOnly: false', 'readOnly: true');
    const run = runSynth(root);
    expect(run.code).toBe(0);
    // The standing plans start from the model, so both pairs' plans change with it (four files).
    expect(run.stdout).toContain('(0 added, 6 changed, 0 removed)');
    expect(run.stdout).toContain('  ~ generated/failover/us-west-2-to-us-east-1.md\n  ~ generated/k8s/us-west-2/orders-api/configmap-feature-flags.yaml\n  ~ generated/k8s/us-west-2/orders-api/rollout-orders-api.yaml\n');
  });

  it('fails with every input error and leaves generated/ untouched', async () => {
    const root = await exampleRepo();
    const before = await readGenerated(root);
    await edit(root, 'regions/us-west-2.ts', 'weight: 50', 'weight: 140');
    await edit(root, 'apps/orders-api.ts', "'sessions',", "'carts',");
    const run = runSynth(root);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('synth: 2 errors in the inputs; generated/ left unchanged');
    expect(run.stderr).toContain('regions/us-west-2.ts: traffic.weight: expected an integer in 0..100, got 140');
    expect(run.stderr).toContain('apps/orders-api.ts: dataSets[2]: expected a data set defined in regions/replication-rules.yaml');
    expect(await readGenerated(root)).toEqual(before);
  });
});
