import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RECONCILIATION_KINDS } from '../modules/k8s/reconciliation';
import { APP_FOLDER_KINDS, CLUSTER_FOLDER_KINDS, MONITORING_FOLDER_KINDS } from '../modules/k8s/region-argo-cd';
import { RECONCILIATION } from '../modules/names';
import { synth, type GeneratedFiles } from '../modules/synth';
import { edit, exampleRepo, modelAt, put, REPO_ROOT } from './helpers/example-repo';

/** Synthesizes a scratch copy of the repository before and after `change`. */
async function synthAround(change: (root: string) => Promise<void>): Promise<{ before: GeneratedFiles; after: GeneratedFiles }> {
  const root = await exampleRepo();
  const before = synth(await modelAt(root));
  await change(root);
  return { before, after: synth(await modelAt(root)) };
}

/** Files a change alters, but for the standing failover plans: they start from the current values, so every change to a region alters them. */
const changed = ({ before, after }: { before: GeneratedFiles; after: GeneratedFiles }) =>
  [...new Set([...before.keys(), ...after.keys()])].filter((file) => before.get(file) !== after.get(file) && !file.startsWith('failover/')).sort();

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string> };
const manifest = (files: GeneratedFiles, file: string) => parse(files.get(file)!) as Manifest;
const withoutAnnotation = (object: Manifest, key: string) => {
  const copy = structuredClone(object);
  delete copy.metadata.annotations?.[key];
  return copy;
};

const WEST = 'k8s/us-west-2/orders-api';
const CHECKSUM = 'feature-flags.example.com/checksum';

describe('the Kubernetes side of a change', () => {
  it("toggling read-only changes only that region's feature-flags ConfigMap and the checksum on its Rollout", async () => {
    const diff = await synthAround((root) => edit(root, 'regions/us-west-2.ts', 'readOnly: false', 'readOnly: true'));
    expect(changed(diff)).toEqual([`${WEST}/configmap-feature-flags.yaml`, `${WEST}/rollout-orders-api.yaml`]);
    expect(manifest(diff.after, `${WEST}/configmap-feature-flags.yaml`).data?.['read-only']).toBe('true');
    const [before, after] = [diff.before, diff.after].map((files) => manifest(files, `${WEST}/rollout-orders-api.yaml`));
    expect(after!.metadata.annotations?.[CHECKSUM]).not.toBe(before!.metadata.annotations?.[CHECKSUM]);
    expect(withoutAnnotation(after!, CHECKSUM)).toEqual(withoutAnnotation(before!, CHECKSUM));
  });

  it('never starts a canary for a switch: the pod template is the same before and after', async () => {
    const diff = await synthAround((root) => edit(root, 'regions/us-west-2.ts', 'pauseProducers: false', 'pauseProducers: true'));
    const [before, after] = [diff.before, diff.after].map((files) => manifest(files, `${WEST}/rollout-orders-api.yaml`));
    expect(after!.spec.template).toEqual(before!.spec.template);
    expect(manifest(diff.after, `${WEST}/configmap-feature-flags.yaml`).data?.['pause-producers']).toBe('true');
  });

  it('changing the weights changes no manifest, only the global Terraform stack', async () => {
    const diff = await synthAround(async (root) => {
      await edit(root, 'regions/us-east-1.ts', 'weight: 50', 'weight: 70');
      await edit(root, 'regions/us-west-2.ts', 'weight: 50', 'weight: 30');
    });
    expect(changed(diff)).toEqual(['terraform/global/cdk.tf.json']);
  });

  it("a release's first wave changes the image of that wave's Rollout and nothing else", async () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const diff = await synthAround((root) => put(root, 'apps/releases.yaml', `releases:\n  - app: orders-api\n    digest: "${digest}"\n    regions: [us-west-2]\n`));
    expect(changed(diff)).toEqual([`${WEST}/rollout-orders-api.yaml`]);
    const container = manifest(diff.after, `${WEST}/rollout-orders-api.yaml`).spec.template.spec.containers[0];
    expect(container.image).toBe(`123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api@${digest}`);
  });

  it("writes into each folder only kinds its Argo CD project admits, so a sync is never refused", async () => {
    const admitted: Record<string, readonly { group: string; kind: string }[]> = {
      'orders-api': [...APP_FOLDER_KINDS, { group: '', kind: 'Namespace' }],
      monitoring: MONITORING_FOLDER_KINDS,
      _cluster: CLUSTER_FOLDER_KINDS,
      [RECONCILIATION]: [...RECONCILIATION_KINDS, { group: '', kind: 'Namespace' }],
      argocd: [
        { group: 'argoproj.io', kind: 'AppProject' },
        { group: 'argoproj.io', kind: 'Application' },
      ],
    };
    const files = synth(await modelAt(REPO_ROOT));
    for (const file of [...files.keys()].filter((name) => name.startsWith('k8s/'))) {
      const folder = file.split('/')[2]!;
      const { apiVersion, kind } = manifest(files, file);
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
      expect(admitted[folder], `${file} is in a folder no Application syncs`).toBeDefined();
      expect(admitted[folder], `${file}: ${kind} (${group || 'core'})`).toContainEqual({ group, kind });
    }
  });
});
