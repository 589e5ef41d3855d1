import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCommitted } from '../modules/generated-dir';
import { synthOutputs } from '../modules/outputs';
import { BUNDLE_DIR, buildPolicyBundle, inputKeysOf, POLICY_SOURCE_DIR, READS_FILE, type InputReads } from '../policies/engine/bundle';
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

  it('lists the input keys the rules read, so the engine leaves out what none reads (the manifests, judged by Kyverno)', async () => {
    const reads = JSON.parse(await readFile(path.join(REPO_ROOT, BUNDLE_DIR, READS_FILE), 'utf8')) as InputReads;
    expect(reads.input).toEqual(expect.arrayContaining(['base', 'change', 'model', 'policies', 'repository', 'terraform', 'waivers']));
    expect(reads.input).not.toContain('manifests');
  });

  it.each([
    ['a named key', 'x if input.model.regions[0].id == "a"', ['model']],
    ['a key in an import', 'import input.terraform as tf\nx if tf.ci', ['terraform']],
    ['a key in brackets', 'x if input["health"]', ['health']],
    ['the input passed whole', 'x if object.get(input, "health", null)', 'all'],
    ['a key chosen at evaluation', 'x if { some key; input[key] }', 'all'],
    ['the input bare in an import', 'import input\nx if input.model', 'all'],
    ['the input iterated', 'x if { some key, _ in input }', 'all'],
  ])('reads %s the way OPA parses it', async (_, rule, expected) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'input-reads-'));
    try {
      const [imports, body] = rule.includes('\n') ? rule.split('\n') : ['', rule];
      await writeFile(path.join(dir, 'policy.rego'), `package p\n${imports}\n${body}\n`);
      const ast = JSON.parse(execFileSync(opaPath(), ['parse', '--format', 'json', path.join(dir, 'policy.rego')], { encoding: 'utf8' })) as unknown;
      const keys = new Set<string>();
      expect(inputKeysOf(ast, keys) === 'all' ? 'all' : [...keys]).toEqual(expected);
    } finally {
      await rm(dir, { recursive: true, force: true });
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
