import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { EksCluster, type EksClusterProps, type EksNodeGroupSpec } from './eks-cluster';

const group: EksNodeGroupSpec = { name: 'general', instanceTypes: ['m6i.large'], capacityType: 'ON_DEMAND', minSize: 1, desiredSize: 2, maxSize: 3 };
const valid: EksClusterProps = {
  name: 'orders-us-east-1',
  version: '1.31',
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  subnetIds: ['subnet-a', 'subnet-b'],
  nodeGroups: [group],
};
const build = (props: EksClusterProps) => new EksCluster(scratchStack(), 'eks', props);

describe('EksCluster rejects', () => {
  it('a cluster name EKS does not accept', () => {
    expect(() => build({ ...valid, name: 'orders.us-east-1' })).toThrow(
      'EksCluster eks: name: expected letters, digits, "-" and "_" (at most 100, starting with a letter or digit), got orders.us-east-1',
    );
  });

  it('a version that is not a Kubernetes minor version', () => {
    expect(() => build({ ...valid, version: '1.31.2' })).toThrow('EksCluster eks: version: expected a Kubernetes minor version like "1.31", got 1.31.2');
  });

  it('a single subnet', () => {
    expect(() => build({ ...valid, subnetIds: ['subnet-a'] })).toThrow('EksCluster eks: subnetIds: expected at least two subnets (EKS needs two availability zones), got 1');
  });

  it('no node groups', () => {
    expect(() => build({ ...valid, nodeGroups: [] })).toThrow('EksCluster eks: nodeGroups: expected at least one node group, got 0');
  });

  it('two node groups of the same name', () => {
    expect(() => build({ ...valid, nodeGroups: [group, { ...group }] })).toThrow('EksCluster eks: nodeGroups[1].name: expected a name unique within the cluster, got general');
  });

  it('a node group without instance types', () => {
    expect(() => build({ ...valid, nodeGroups: [{ ...group, instanceTypes: [] }] })).toThrow('EksCluster eks: nodeGroups[0].instanceTypes: expected at least one instance type, got 0');
  });

  it('a node group mixing Graviton and x86 instance types', () => {
    expect(() => build({ ...valid, nodeGroups: [{ ...group, instanceTypes: ['m6i.large', 'm7g.large', 'c7gn.large'] }] })).toThrow(
      'EksCluster eks: nodeGroups[0].instanceTypes: expected one CPU architecture per node group (m6i.large is x86_64), got m7g.large, c7gn.large',
    );
  });

  it('a desired size outside the minimum and maximum', () => {
    expect(() => build({ ...valid, nodeGroups: [{ ...group, desiredSize: 5 }] })).toThrow(
      'EksCluster eks: nodeGroups[0]: expected minSize ≤ desiredSize ≤ maxSize with maxSize ≥ 1, got minSize 1, desiredSize 5, maxSize 3',
    );
  });
});
