import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { SCENARIOS } from '../../schemas/scenarios';
import { FisExperiments, type FisExperimentsProps } from './fis-experiments';
import { SsmAutomationDocuments } from './ssm-automation-documents';

const base: FisExperimentsProps = {
  name: 'orders-us-east-1',
  roleName: 'orders-us-east-1-fis',
  awsRegion: 'us-east-1',
  kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/region',
  alarmTopicArn: 'arn:aws:sns:us-east-1:111122223333:alarms',
  scenarios: [SCENARIOS.outage],
  targets: {
    subnetArns: ['arn:aws:ec2:us-east-1:111122223333:subnet/subnet-a'],
    peerAwsRegions: ['us-west-2'],
    buckets: [],
    nodeGroupTags: { stack: 'us-east-1' },
    cluster: { name: 'orders-us-east-1', namespace: 'orders-api', app: 'orders-api', serviceAccount: 'fis-experiment' },
  },
  lagTowardPeersBeyondRpo: [],
  peerStopAlarmArns: ['arn:aws:cloudwatch:us-west-2:111122223333:alarm:orders-us-west-2-error-rate'],
  lagIntoRegionBeyondRpo: [],
  errorRate: { loadBalancerArnSuffix: 'app/orders/0123', thresholdPercent: 1 },
  faultMinutes: 15,
  podLatencyMilliseconds: 400,
};

function build(props: Partial<FisExperimentsProps>) {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  return new FisExperiments(stack, 'chaos', { ...base, ...props });
}

describe('FisExperiments refuses', () => {
  it('a name that cannot prefix its role and alarms', () => {
    expect(() => build({ name: 'orders us-east-1' })).toThrow('FisExperiments chaos: name: expected 1-60 letters, digits, hyphens and underscores, got "orders us-east-1"');
  });

  it('a fault duration FIS cannot run', () => {
    expect(() => build({ faultMinutes: 0 })).toThrow('FisExperiments chaos: faultMinutes: expected a whole number of minutes from 1 to 720 (FIS runs an experiment for 12 hours at most), got 0');
    expect(() => build({ faultMinutes: 721 })).toThrow(/faultMinutes: .* got 721$/);
  });

  it('more subnets than FIS disrupts in one action', () => {
    const subnetArns = Array.from({ length: 7 }, (_, index) => `arn:aws:ec2:us-east-1:111122223333:subnet/subnet-${index}`);
    expect(() => build({ targets: { ...base.targets, subnetArns } })).toThrow('FisExperiments chaos: targets.subnetArns: expected at most 6 subnets (FIS quota L-100E963F for cross-region disruption), got 7');
  });

  it('node groups chosen by no tag, which would reach other stacks’ clusters', () => {
    expect(() => build({ targets: { ...base.targets, nodeGroupTags: {} } })).toThrow('FisExperiments chaos: targets.nodeGroupTags: expected at least one tag, so node groups of other stacks are never chosen, got {}');
  });

  it('an error-rate threshold the alarm could never cross', () => {
    expect(() => build({ errorRate: { ...base.errorRate, thresholdPercent: 100 } })).toThrow(/errorRate\.thresholdPercent: expected a percentage from 0 to below 100 .*, got 100$/);
  });

  it('no stop condition at all', () => {
    expect(() => build({ peerStopAlarmArns: [], lagTowardPeersBeyondRpo: [], lagIntoRegionBeyondRpo: [] })).toThrow('FisExperiments chaos: peerStopAlarmArns: expected at least one stop condition');
  });

  it('a scenario twice', () => {
    expect(() => build({ scenarios: [SCENARIOS.outage, SCENARIOS.outage] })).toThrow('FisExperiments chaos: scenarios[1]: expected each scenario once, got "outage"');
  });

  it('a replicator pause without the document that performs it', () => {
    const stack = scratchStack();
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    const documents = new SsmAutomationDocuments(stack, 'automation', { name: 'orders-us-east-1' });
    const replicatorPauses = [{ replicatorArn: 'arn:aws:kafka:us-east-1:111122223333:replicator/r/x', sourceClusterArn: 'a', targetClusterArn: 'b' }];
    expect(() => new FisExperiments(stack, 'chaos', { ...base, targets: { ...base.targets, automation: { documents, replicatorPauses } } })).toThrow(
      'FisExperiments chaos: targets.automation.documents: expected the replicator pause document for replicatorPauses, got "documents without it"',
    );
  });
});
