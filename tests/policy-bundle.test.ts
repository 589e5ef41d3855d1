import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCommitted } from '../modules/generated-dir';
import { synthOutputs } from '../modules/outputs';
import { BUNDLE_DIR, buildPolicyBundle, POLICY_SOURCE_DIR } from '../policies/engine/bundle';
import { createGateContext } from '../policies/gates/context';
import { opaGate } from '../policies/gates/opa-gate';
import { resolveTool, toolsDir } from '../policies/toolchain/resolve';
import { edit, exampleRepo, removeScratchRepos, REPO_ROOT } from './helpers/example-repo';

afterAll(removeScratchRepos);

function opaPath(): string {
  const opa = resolveTool(REPO_ROOT, 'opa');
  if (!opa.ok) throw new Error(`these specifications need the pinned OPA CLI: ${opa.message}`);
  return opa.path;
}

describe('the policy bundle build', () => {
  it('gives the committed bytes wherever the checkout lives', async () => {
    const elsewhere = await mkdtemp(path.join(tmpdir(), 'bundle-elsewhere-'));
    try {
      await cp(path.join(REPO_ROOT, POLICY_SOURCE_DIR), path.join(elsewhere, POLICY_SOURCE_DIR), { recursive: true });
      const built = await buildPolicyBundle(elsewhere, opaPath());
      for (const [file, bytes] of built) {
        expect(Buffer.from(bytes).equals(await readFile(path.join(REPO_ROOT, BUNDLE_DIR, file))), `${BUNDLE_DIR}/${file}`).toBe(true);
      }
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('refuses a policy without complete metadata, naming what is missing', async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), 'bundle-metadata-'));
    try {
      await cp(path.join(REPO_ROOT, POLICY_SOURCE_DIR), path.join(scratch, POLICY_SOURCE_DIR), { recursive: true });
      const policy = path.join(scratch, POLICY_SOURCE_DIR, 'traffic/weights-sum-to-100/policy.rego');
      await writeFile(policy, (await readFile(policy, 'utf8')).replace(/^#   severity: high\n/m, ''));
      await expect(buildPolicyBundle(scratch, opaPath())).rejects.toThrow(
        'policies/opa/traffic/weights-sum-to-100/policy.rego: expected a package METADATA block with custom.severity (one of critical, high, medium, low)',
      );
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});

describe('the opa gate', () => {
  async function opaGateAt(root: string, toolsDir: string) {
    const previous = process.env.MR_TOOLS_DIR;
    process.env.MR_TOOLS_DIR = toolsDir;
    try {
      return await opaGate.run(await createGateContext(root, { synthOutputs, readCommitted }));
    } finally {
      if (previous === undefined) delete process.env.MR_TOOLS_DIR;
      else process.env.MR_TOOLS_DIR = previous;
    }
  }

  it('fails on unformatted Rego and on a bundle the sources no longer compile to', async () => {
    const root = await exampleRepo();
    await cp(path.join(REPO_ROOT, POLICY_SOURCE_DIR), path.join(root, POLICY_SOURCE_DIR), { recursive: true });
    await edit(root, 'policies/opa/traffic/weights-sum-to-100/policy.rego', 'total != 100', 'total  !=  100');
    await edit(root, 'policies/opa/traffic/weights-sum-to-100/policy.rego', 'expected 100', 'expected one hundred');
    const gate = await opaGateAt(root, toolsDir(REPO_ROOT));
    expect(gate.ok).toBe(false);
    expect(gate.details).toEqual([
      expect.stringMatching(/^policies\/opa\/traffic\/weights-sum-to-100\/policy\.rego: not formatted; run `\S*opa fmt -w policies\/opa`$/),
      'data.multiregion.policies.traffic.weights_sum_to_100_test.test_weights_60_60_fire_on_both_serving_regions: failed',
      'policies/bundle/policy.wasm: differs from what the Rego sources compile to; run `npm run policies:build` and commit the result',
    ]);
  });

  it('fails closed without the OPA CLI, saying how to install it', async () => {
    const root = await exampleRepo();
    const gate = await opaGateAt(root, path.join(root, 'no-tools'));
    expect(gate).toMatchObject({ ok: false, summary: 'OPA CLI unavailable' });
    expect(gate.details[0]).toMatch(/not installed \(expected 1\.22\.2 at .*\); run `npm run setup`, or just this tool: `bash scripts\/install-tools\.sh opa`/);
  });
});
