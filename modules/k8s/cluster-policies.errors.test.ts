import { describe, expect, it } from 'vitest';
import { exampleModel, synthChart } from '../../tests/helpers/k8s-chart';
import { ClusterPolicies, type ClusterPoliciesProps } from './cluster-policies';

const model = await exampleModel();
const build = (props: Partial<ClusterPoliciesProps>) =>
  synthChart((chart) => new ClusterPolicies(chart, 'policies', { policies: model.clusterPolicies, global: model.global, region: model.regions[0]!, ...props }));

describe('ClusterPolicies rejects', () => {
  it('a sync wave that is not an integer', () => {
    expect(() => build({ syncWave: 'early' })).toThrow('ClusterPolicies policies: syncWave: expected an integer like "-2", got "early"');
  });

  it('two policies with the same id', () => {
    const policy = model.clusterPolicies[0]!;
    expect(() => build({ policies: [policy, policy] })).toThrow(`ClusterPolicies policies: policies: expected distinct ids, got ${policy.id} more than once`);
  });
});
