import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleRepo, REPO_ROOT } from '../tests/helpers/example-repo';
import { CLUSTER_POLICY_DIR, formatLocated, loadClusterPolicies, loadModel } from '.';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

const POLICY = 'disallow-host-path';
const FILE = `${CLUSTER_POLICY_DIR}/${POLICY}/policy.yaml`;

/** A scratch root holding a copy of the repository's policies and nothing else. */
async function policiesRoot(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'cluster-policies-'));
  roots.push(root);
  await cp(path.join(REPO_ROOT, CLUSTER_POLICY_DIR), path.join(root, CLUSTER_POLICY_DIR), { recursive: true });
  return root;
}

/** Errors after rewriting `policies/kyverno/disallow-host-path/policy.yaml` in a scratch root. */
async function errorsAfter(change: (policy: string) => string): Promise<string[]> {
  const root = await policiesRoot();
  const original = await readFile(path.join(root, FILE), 'utf8');
  const changed = change(original);
  if (changed === original) throw new Error(`the change of ${FILE} changed nothing`);
  await writeFile(path.join(root, FILE), changed);
  const { errors } = await loadClusterPolicies(root);
  return errors.map(formatLocated);
}

describe('loading cluster policies rejects, with file, line and path', () => {
  it('a policy whose name differs from its folder, at the name', async () => {
    expect(await errorsAfter((policy) => policy.replace(`name: ${POLICY}\n`, 'name: no-host-path\n'))).toEqual([
      `${FILE}:4:9: metadata.name: expected "disallow-host-path" (the folder name), got "no-host-path"`,
    ]);
  });

  it('a policy without the remediation annotation', async () => {
    expect(await errorsAfter((policy) => policy.replace(/ {4}policies\.example\.com\/remediation: >-\n( {6}.*\n)+/, ''))).toEqual([
      expect.stringMatching(new RegExp(`^${FILE}:\\d+:\\d+: metadata\\.annotations\\.policies\\.example\\.com/remediation: expected a non-empty remediation, got nothing \\(the key is missing\\)$`)),
    ]);
  });

  it('an unknown severity', async () => {
    expect(await errorsAfter((policy) => policy.replace('severity: high', 'severity: urgent'))).toEqual([
      expect.stringMatching(/metadata\.annotations\.policies\.kyverno\.io\/severity: expected one of "low" \| "medium" \| "high" \| "critical", got "urgent"$/),
    ]);
  });

  it('a rule that only audits', async () => {
    expect(await errorsAfter((policy) => policy.replace('failureAction: Enforce', 'failureAction: Audit'))).toEqual([
      expect.stringMatching(/spec\.rules\[0\]\.validate\.failureAction: expected "Enforce" \(the clusters must block what the gate rejects\), got "Audit"$/),
    ]);
  });

  it('a Policy (namespaced) in place of a ClusterPolicy', async () => {
    expect(await errorsAfter((policy) => policy.replace('kind: ClusterPolicy', 'kind: Policy'))).toEqual([
      expect.stringMatching(/: kind: expected "ClusterPolicy", got "Policy"$/),
    ]);
  });

  it('a policy folder without policy.yaml', async () => {
    const root = await policiesRoot();
    await rm(path.join(root, CLUSTER_POLICY_DIR, 'disallow-latest-tag', 'policy.yaml'));
    const { errors } = await loadClusterPolicies(root);
    expect(errors.map(formatLocated)).toEqual([`${CLUSTER_POLICY_DIR}/disallow-latest-tag/policy.yaml: expected the file to exist, got no such file`]);
  });

  it('YAML with a repeated key, at the line', async () => {
    expect(await errorsAfter((policy) => policy.replace('  background: true\n', '  background: true\n  background: false\n'))).toEqual([
      expect.stringMatching(new RegExp(`^${FILE}:\\d+:\\d+: expected valid YAML, got DUPLICATE_KEY: `)),
    ]);
  });

  it('an invalid policy, failing the whole model', async () => {
    const root = await exampleRepo();
    await cp(path.join(REPO_ROOT, CLUSTER_POLICY_DIR), path.join(root, CLUSTER_POLICY_DIR), { recursive: true });
    await writeFile(path.join(root, FILE), (await readFile(path.join(REPO_ROOT, FILE), 'utf8')).replace('kind: ClusterPolicy', 'kind: Policy'));
    const result = await loadModel(root);
    expect(result.errors?.map(formatLocated)).toEqual([expect.stringMatching(new RegExp(`^${FILE}:\\d+:\\d+: kind: expected "ClusterPolicy", got "Policy"$`))]);
  });
});
