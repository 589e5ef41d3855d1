import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../tests/helpers/example-repo';
import { CLUSTER_POLICY_DIR, loadClusterPolicies, loadModel } from '.';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

const POLICY = 'disallow-host-path';
const FILE = `${CLUSTER_POLICY_DIR}/${POLICY}/policy.yaml`;

describe('loading cluster policies', () => {
  it('loads every policy folder, sorted by id, with its file and manifest', async () => {
    const { policies, errors } = await loadClusterPolicies(REPO_ROOT);
    expect(errors).toEqual([]);
    expect(policies.map((policy) => policy.id)).toEqual([...policies.map((policy) => policy.id)].sort());
    expect(policies.find((policy) => policy.id === POLICY)).toMatchObject({ file: FILE, manifest: { kind: 'ClusterPolicy', metadata: { name: POLICY } } });
  });

  it('finds no policies and no errors when policies/kyverno/ does not exist', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'no-policies-'));
    roots.push(root);
    expect(await loadClusterPolicies(root)).toEqual({ policies: [], errors: [] });
  });

  it('puts the policies into the model', async () => {
    const result = await loadModel(REPO_ROOT);
    expect(result.model?.clusterPolicies.map((policy) => policy.id)).toEqual((await loadClusterPolicies(REPO_ROOT)).policies.map((policy) => policy.id));
  });
});
