import type { IClusterPolicy } from '@kubernetes-models/kyverno/kyverno.io/v1/ClusterPolicy';
import { z } from 'zod';
import { dnsLabel } from './common';
import { kyvernoRuleName } from './limits';

/** One folder per policy: `<id>/policy.yaml`, its `kyverno-test.yaml` and the test's `resources.yaml`. */
export const CLUSTER_POLICY_DIR = 'policies/kyverno';
export const CLUSTER_POLICY_FILE = 'policy.yaml';

/** Annotations every policy carries (the kyverno/policies catalogue's, plus how to fix a violation). */
export const POLICY_ANNOTATIONS = {
  title: 'policies.kyverno.io/title',
  category: 'policies.kyverno.io/category',
  severity: 'policies.kyverno.io/severity',
  /** Why the policy exists: the risk it removes. */
  description: 'policies.kyverno.io/description',
  remediation: 'policies.example.com/remediation',
} as const;

const text = (what: string) => z.string({ error: `a non-empty ${what}` }).regex(/\S/, { error: `a non-empty ${what}` });

/** The clusters must block what the gate blocks: an Audit rule would pass the gate and admit the object anyway. */
const enforce = z.literal('Enforce', { error: '"Enforce" (the clusters must block what the gate rejects)' });

/**
 * Only the parts the repository relies on: identity, the annotations reports and reviewers read, and
 * that every rule enforces. Kyverno validates the rest when `kyverno test` loads the policy.
 */
export const clusterPolicySchema = z.looseObject({
  apiVersion: z.literal('kyverno.io/v1'),
  kind: z.literal('ClusterPolicy'),
  metadata: z.looseObject({
    name: dnsLabel,
    annotations: z.looseObject({
      [POLICY_ANNOTATIONS.title]: text('title'),
      [POLICY_ANNOTATIONS.category]: text('category'),
      [POLICY_ANNOTATIONS.severity]: z.enum(['low', 'medium', 'high', 'critical']),
      [POLICY_ANNOTATIONS.description]: text('rationale'),
      [POLICY_ANNOTATIONS.remediation]: text('remediation'),
    }),
  }),
  spec: z.looseObject({
    rules: z
      .array(
        z.looseObject({
          name: kyvernoRuleName,
          validate: z.looseObject({ failureAction: enforce }).optional(),
          verifyImages: z.array(z.looseObject({ failureAction: enforce })).optional(),
        }),
      )
      .min(1, { error: 'at least one rule' }),
  }),
});

export interface ClusterPolicyEntry {
  /** The folder name under `policies/kyverno/`, equal to `metadata.name`. */
  id: string;
  /** Repository-relative, e.g. `policies/kyverno/disallow-host-path/policy.yaml`. */
  file: string;
  /** As written; the schema above has checked the parts the repository relies on. */
  manifest: CheckedClusterPolicy;
}

/** A ClusterPolicy whose name and rules {@link clusterPolicySchema} has checked. */
export type CheckedClusterPolicy = IClusterPolicy & {
  metadata: { name: string };
  spec: { rules: NonNullable<IClusterPolicy['spec']['rules']> };
};
