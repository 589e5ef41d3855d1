import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synth } from '../modules/synth';
import { exampleRepo, modelAt, removeScratchRepos } from './helpers/example-repo';
import { generatedStacks, type GeneratedStack } from './helpers/iam-policy';

/**
 * The FIS pod actions need both sides to agree, and each side is written by a different construct: the
 * experiment template names a ServiceAccount and a namespace (FisExperiments), the access entry a user
 * (FisClusterAccess), and the RoleBinding (FisExperimentAccess) must bind exactly those. Read off the
 * generated files of a scratch copy of the example, region by region.
 */

let files: ReadonlyMap<string, string>;
let regionStacks: GeneratedStack[];

beforeAll(async () => {
  const model = await modelAt(await exampleRepo());
  files = synth(model);
  regionStacks = generatedStacks(files).filter((stack) => model.regions.some((region) => region.id === stack.name));
});
afterAll(removeScratchRepos);

type Block = Record<string, any>;
const resources = (stack: GeneratedStack, type: string): [string, Block][] => Object.entries(stack.json.resource?.[type] ?? {});

/** Each pod action of the stack's templates with the ServiceAccount it runs as and the namespace of its target. */
function podActions(stack: GeneratedStack): Array<{ serviceAccount: string; namespace: string }> {
  return resources(stack, 'aws_fis_experiment_template').flatMap(([, template]) =>
    (template.action as Block[])
      .filter((action) => String(action.action_id).startsWith('aws:eks:pod-'))
      .map((action) => {
        const target = (template.target as Block[]).find((candidate) => candidate.name === action.target.value)!;
        return { serviceAccount: (action.parameter as Block[]).find((parameter) => parameter.key === 'kubernetesServiceAccount')!.value, namespace: target.parameters.namespace };
      }),
  );
}

const manifest = (region: string, namespace: string, kind: string, name: string): Block | undefined => {
  const text = files.get(`k8s/${region}/${namespace}/${kind.toLowerCase()}-${name}.yaml`);
  return text === undefined ? undefined : parse(text);
};

describe('FIS pod actions', () => {
  it('are in every region’s templates, so the checks below are not vacuous', () => {
    expect(regionStacks.map((stack) => stack.name)).toEqual(['us-east-1', 'us-west-2']);
    for (const stack of regionStacks) expect(podActions(stack).length).toBeGreaterThan(0);
  });

  it('run as a ServiceAccount that exists in their target namespace, bound to the Role FIS needs', () => {
    for (const stack of regionStacks) {
      for (const { serviceAccount, namespace } of podActions(stack)) {
        expect(manifest(stack.name, namespace, 'ServiceAccount', serviceAccount), `${stack.name}: ServiceAccount ${namespace}/${serviceAccount}`).toBeDefined();
        const binding = manifest(stack.name, namespace, 'RoleBinding', serviceAccount)!;
        expect(binding.subjects).toContainEqual({ kind: 'ServiceAccount', name: serviceAccount, namespace });
        expect(manifest(stack.name, namespace, 'Role', binding.roleRef.name)?.rules).toContainEqual({ apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['update'] });
      }
    }
  });

  it('reach the cluster as the experiment role, mapped to the very user the RoleBinding of each target namespace binds', () => {
    for (const stack of regionStacks) {
      const entries = resources(stack, 'aws_eks_access_entry').map(([, entry]) => entry);
      expect(entries).toHaveLength(1);
      const [entry] = entries as [Block];
      const templateRoles = new Set(resources(stack, 'aws_fis_experiment_template').map(([, template]) => template.role_arn));
      expect([...templateRoles]).toEqual([entry.principal_arn]);
      expect(entry.kubernetes_groups).toBeUndefined();
      for (const { serviceAccount, namespace } of podActions(stack)) {
        expect(manifest(stack.name, namespace, 'RoleBinding', serviceAccount)!.subjects).toContainEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: entry.user_name });
      }
    }
  });
});
