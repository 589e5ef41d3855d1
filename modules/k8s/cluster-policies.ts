import type { IClusterPolicy } from '@kubernetes-models/kyverno/kyverno.io/v1/ClusterPolicy';
import { Construct } from 'constructs';
import type { ClusterPolicyEntry, Global, Region } from '../../schemas';
import { addManifest } from './kubernetes-object';
import { regionLabels, SYNC_WAVE } from './labels';

export interface ClusterPoliciesProps {
  /** The policies every region's cluster enforces, as loaded (`model.clusterPolicies`). */
  readonly policies: readonly ClusterPolicyEntry[];
  readonly global: Global;
  readonly region: Region;
  /**
   * Argo CD sync wave of the policies. It precedes the app namespaces (wave -1), so the clusters
   * judge every workload of a sync by the policies of the same commit.
   * @default "-2"
   */
  readonly syncWave?: string;
}

/**
 * The Kyverno ClusterPolicies of `policies/kyverno/`, shipped to one region's cluster exactly as the
 * gate ran them, so the cluster admits what the gate passed and nothing the gate rejected. Only the
 * region's labels and the sync wave are added; they change neither what a policy matches nor what it
 * checks.
 */
export class ClusterPolicies extends Construct {
  constructor(scope: Construct, id: string, props: ClusterPoliciesProps) {
    super(scope, id);
    const { policies, global, region, syncWave = '-2' } = props;
    if (!/^-?\d+$/.test(syncWave)) {
      throw new Error(`ClusterPolicies ${id}: syncWave: expected an integer like "-2", got ${JSON.stringify(syncWave)}`);
    }
    const ids = policies.map((policy) => policy.id);
    const repeated = ids.filter((policyId, index) => ids.indexOf(policyId) !== index);
    if (repeated.length) {
      throw new Error(`ClusterPolicies ${id}: policies: expected distinct ids, got ${[...new Set(repeated)].join(', ')} more than once`);
    }

    for (const policy of [...policies].sort((a, b) => a.id.localeCompare(b.id))) {
      const { metadata, ...rest } = policy.manifest;
      addManifest<IClusterPolicy>(this, policy.id, {
        ...rest,
        metadata: {
          ...metadata,
          name: policy.id,
          labels: { ...metadata.labels, ...regionLabels(global, region) },
          annotations: { ...metadata.annotations, [SYNC_WAVE]: syncWave },
        },
      });
    }
  }
}
