import { cp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readCommitted } from '../modules/generated-dir';
import { synthOutputs } from '../modules/outputs';
import { createGateContext } from '../policies/gates/context';
import { driftGate } from '../policies/gates/drift-gate';
import { eslintGate } from '../policies/gates/eslint-gate';
import type { Gate } from '../policies/gates/gate';
import { jsonSchemaGate } from '../policies/gates/json-schema-gate';
import { modelGate, synthGate } from '../policies/gates/model-gate';
import { runGates, type GateOutcome } from '../policies/gates/registry';
import { REQUIRED_TOOLS, toolchainGate } from '../policies/gates/toolchain-gate';
import { typescriptGate } from '../policies/gates/typescript-gate';
import { edit, exampleRepo, REPO_ROOT } from './helpers/example-repo';

const PIPELINE_GATES: Gate[] = [modelGate, synthGate, jsonSchemaGate, driftGate];

async function gatesAt(root: string, gates: Gate[] = PIPELINE_GATES): Promise<Record<string, GateOutcome>> {
  const outcomes = await runGates(await createGateContext(root, { synthOutputs, readCommitted }), gates);
  return Object.fromEntries(outcomes.map((outcome) => [outcome.name, outcome]));
}

describe('the pipeline gates', () => {
  it('all pass on the committed example', async () => {
    const outcomes = await gatesAt(await exampleRepo());
    expect(Object.values(outcomes).map((o) => [o.name, o.ok, o.details])).toEqual(PIPELINE_GATES.map((g) => [g.name, true, []]));
  });

  it('drift fails on a hand-edited generated file and says where it differs', async () => {
    const root = await exampleRepo();
    await edit(root, 'generated/terraform/global/cdk.tf.json', '"weight": 50', '"weight": 90');
    const { drift } = await gatesAt(root);
    expect(drift!.ok).toBe(false);
    expect(drift!.summary).toBe('1 file differs from a fresh synth; run `npm run synth` and commit the result');
    expect(drift!.details).toEqual([expect.stringMatching(/^~ generated\/terraform\/global\/cdk\.tf\.json: line \d+: committed "\\"weight\\": 90", fresh synth "\\"weight\\": 50"$/)]);
  });

  it('drift fails on an input changed without re-running synth, and on stale generated files', async () => {
    const root = await exampleRepo();
    // A switch no standing failover plan sets, so only the region's own manifests go stale.
    await edit(root, 'regions/us-west-2.ts', 'serveStaleReads: false', 'serveStaleReads: true');
    await writeFile(path.join(root, 'generated/k8s/us-west-2/orders-api/leftover.yaml'), 'kind: ConfigMap\n');
    await rm(path.join(root, 'CODEOWNERS'));
    const { drift } = await gatesAt(root);
    expect(drift!.details).toEqual([
      '+ CODEOWNERS: missing; a fresh synth creates it',
      expect.stringMatching(/^~ generated\/k8s\/us-west-2\/orders-api\/configmap-feature-flags\.yaml: line \d+: committed "serve-stale-reads: \\"false\\"", fresh synth "serve-stale-reads: \\"true\\""$/),
      '- generated/k8s/us-west-2/orders-api/leftover.yaml: not produced by a fresh synth (stale or hand-made)',
      expect.stringMatching(/^~ generated\/k8s\/us-west-2\/orders-api\/rollout-orders-api\.yaml: line \d+: committed "feature-flags\.example\.com\/checksum: [0-9a-f]{64}", fresh synth "feature-flags\.example\.com\/checksum: [0-9a-f]{64}"$/),
    ]);
  });

  it('json-schema validates YAML inputs with ajv against the committed schemas', async () => {
    const root = await exampleRepo();
    await edit(root, 'schemas/global.schema.json', /("rtoMinutes": \{[^}]*"maximum": )1440/, '$110');
    const outcomes = await gatesAt(root);
    expect(outcomes['json-schema']!.details).toEqual(['regions/global.yaml: slo.rtoMinutes: must be <= 10 (JSON Schema global.schema.json)']);
    expect(outcomes.drift!.details).toEqual([expect.stringMatching(/^~ schemas\/global\.schema\.json: /)]);
  });

  it('json-schema checks formats such as date-time, as Zod does', async () => {
    const root = await exampleRepo();
    await edit(root, 'regions/global.yaml', 'start: 2026-11-26T00:00:00Z', 'start: "next Thursday"');
    const outcomes = await gatesAt(root);
    expect(outcomes['json-schema']!.details).toContain('regions/global.yaml: changeFreezes.0.start: must match format "date-time" (JSON Schema global.schema.json)');
  });

  it('json-schema also validates the policy waivers', async () => {
    const root = await exampleRepo();
    await writeFile(path.join(root, 'policies/waivers.yaml'), 'waivers:\n  - policy: traffic.weights-sum-to-100\n    target: { file: regions/us-west-2.ts }\n    reason: load test in progress\n    owner: "@example-org/sre"\n    expires: soon\n');
    const outcomes = await gatesAt(root);
    expect(outcomes['json-schema']!.details).toContain('policies/waivers.yaml: waivers.0.expires: must match format "date-time" (JSON Schema waivers.schema.json)');
  });

  it('fail closed when the model does not load: every later gate fails instead of passing vacuously', async () => {
    const root = await exampleRepo();
    await edit(root, 'regions/us-west-2.ts', 'weight: 50', 'weight: 140');
    const outcomes = await gatesAt(root);
    expect(outcomes.model!.details).toEqual(['regions/us-west-2.ts: traffic.weight: expected an integer in 0..100, got 140']);
    expect([outcomes.synth!.ok, outcomes.drift!.ok]).toEqual([false, false]);
    expect(outcomes.drift!.summary).toMatch(/^not run/);
  });

  it('count a gate that throws as failed and still run the rest', async () => {
    const broken: Gate = { name: 'broken', description: 'throws', run: async () => { throw new Error('wasm bundle unreadable'); } };
    const outcomes = await gatesAt(await exampleRepo(), [broken, modelGate]);
    expect(outcomes.broken).toMatchObject({ ok: false, summary: 'the gate itself failed' });
    expect(outcomes.broken!.details[0]).toContain('wasm bundle unreadable');
    expect(outcomes.model!.ok).toBe(true);
  });
});

describe('generated CODEOWNERS', () => {
  it('follows the owner rules in regions/global.yaml', async () => {
    const root = await exampleRepo();
    await edit(root, 'regions/global.yaml', '  - path: /policies/\n', '  - path: /generated/\n    owners: ["@example-org/platform"]\n  - path: /policies/\n');
    const context = await createGateContext(root, { synthOutputs, readCommitted });
    expect(context.synthesized!.get('CODEOWNERS')).toContain('/generated/                     @example-org/platform\n');
  });
});

describe('the typescript gate', () => {
  it('fails on a type error in a region file, naming file and line', async () => {
    const root = await exampleRepo();
    // tsc needs the project's config and packages; a scratch repo borrows them from the checkout.
    await cp(path.join(REPO_ROOT, 'tsconfig.json'), path.join(root, 'tsconfig.json'));
    await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
    await edit(root, 'regions/us-west-2.ts', "readPreference: 'local'", "readPreference: 'nearest'");
    const [outcome] = await runGates(await createGateContext(root, { synthOutputs, readCommitted }), [typescriptGate]);
    expect(outcome!.ok).toBe(false);
    expect(outcome!.details).toEqual([expect.stringMatching(/^regions\/us-west-2\.ts\(\d+,\d+\): error TS2322: Type '"nearest"' is not assignable/)]);
  });
});

describe('the eslint gate', () => {
  it("fails on a console file that breaks Next.js's rules, naming file, line and rule", async () => {
    const root = await exampleRepo();
    await mkdir(path.join(root, 'console'));
    await cp(path.join(REPO_ROOT, 'console', 'eslint.config.mjs'), path.join(root, 'console', 'eslint.config.mjs'));
    await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
    await writeFile(path.join(root, 'console', 'status.tsx'), "const unused = 1;\nexport default function Status() {\n  return <p>live</p>;\n}\n");
    const [outcome] = await runGates(await createGateContext(root, { synthOutputs, readCommitted }), [eslintGate]);
    expect(outcome!.ok).toBe(false);
    expect(outcome!.details).toEqual([expect.stringMatching(/^console\/status\.tsx:1:7 @typescript-eslint\/no-unused-vars /)]);
  });
});

describe('the toolchain gate', () => {
  it('fails closed when the tools are not installed, naming each one and the command that installs it', async () => {
    const root = await exampleRepo();
    vi.stubEnv('MR_TOOLS_DIR', path.join(root, 'no-tools-here'));
    try {
      const [outcome] = await runGates(await createGateContext(root, { synthOutputs, readCommitted }), [toolchainGate]);
      expect(outcome!.ok).toBe(false);
      expect(outcome!.summary).toBe('14 of 14 required tools missing or at the wrong version');
      expect(outcome!.details.map((line) => line.split(':')[0])).toEqual(REQUIRED_TOOLS);
      expect(REQUIRED_TOOLS).toEqual(expect.arrayContaining(['opa', 'checkov', 'actionlint', 'shellcheck', 'zizmor', 'gitleaks', 'semgrep', 'initdb', 'pg_ctl', 'postgres', 'psql']));
      expect(outcome!.details[0]).toContain('bash scripts/install-tools.sh opa');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
