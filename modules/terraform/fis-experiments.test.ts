import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Model } from '../../schemas';
import { planFailover } from '../failover';
import { fisExperimentTemplateName } from '../names';
import { synth as synthModel } from '../synth';
import { resourcesOf, scratchStack, synthScratch, type TerraformJson } from '../../tests/helpers/scratch-stack';
import { FAULTS, SCENARIO_IDS, SCENARIOS } from '../../schemas/scenarios';
import { FisExperiments, type FaultTargets, type FisExperimentsProps } from './fis-experiments';
import { SsmAutomationDocuments } from './ssm-automation-documents';

const ROOT = path.resolve(import.meta.dirname, '../..');
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/region';
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:orders-us-east-1-replication-alarms';
const SUBNETS = ['arn:aws:ec2:us-east-1:111122223333:subnet/subnet-a', 'arn:aws:ec2:us-east-1:111122223333:subnet/subnet-b'];
const BUCKET = 'arn:aws:s3:::orders-order-documents-us-east-1';
const PEER_ERROR_RATE = 'arn:aws:cloudwatch:us-west-2:111122223333:alarm:orders-us-west-2-error-rate';
const PEER_LAG_INTO = 'arn:aws:cloudwatch:us-west-2:111122223333:alarm:orders-us-west-2-lag-into-beyond-rpo';
const targets: FaultTargets = {
  subnetArns: SUBNETS,
  peerAwsRegions: ['us-west-2'],
  buckets: [{ arn: BUCKET, destinationAwsRegions: ['us-west-2'] }],
  nodeGroupTags: { project: 'orders', stack: 'us-east-1' },
  cluster: { name: 'orders-us-east-1', namespace: 'orders-api', app: 'orders-api', serviceAccount: 'fis-experiment' },
};
const base: FisExperimentsProps = {
  name: 'orders-us-east-1',
  roleName: 'orders-us-east-1-fis',
  awsRegion: 'us-east-1',
  kmsKeyArn: KEY,
  alarmTopicArn: TOPIC,
  scenarios: SCENARIO_IDS.map((id) => SCENARIOS[id]),
  targets,
  lagTowardPeersBeyondRpo: [{ alarmName: 'orders-us-east-1-rpo-toward-s3', arn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:orders-us-east-1-rpo-toward-s3' }],
  peerStopAlarmArns: [PEER_ERROR_RATE, PEER_LAG_INTO],
  lagIntoRegionBeyondRpo: [
    { alarmName: 'orders-us-east-1-rpo-into-kafka', arn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:orders-us-east-1-rpo-into-kafka' },
    { alarmName: 'orders-us-east-1-rpo-into-aurora', arn: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:orders-us-east-1-rpo-into-aurora' },
  ],
  errorRate: { loadBalancerArnSuffix: 'app/orders-us-east-1/0123456789abcdef', thresholdPercent: 1 },
  faultMinutes: 15,
  podLatencyMilliseconds: 400,
};

/** The props with the automation documents of a region that holds a writer and runs a replicator. */
function withAutomation(stack: ReturnType<typeof scratchStack>): FisExperimentsProps {
  const globalClusters = [{ dataSet: 'orders-db', globalClusterIdentifier: 'orders-orders-db', targetClusterArn: 'arn:aws:rds:us-west-2:111122223333:cluster:orders-orders-db-us-west-2' }];
  const replicators = [{ replicatorArn: 'arn:aws:kafka:us-east-1:111122223333:replicator/orders-us-west-2-to-us-east-1/x', sourceClusterArn: 'arn:aws:kafka:us-west-2:111122223333:cluster/w/x', targetClusterArn: 'arn:aws:kafka:us-east-1:111122223333:cluster/e/x' }];
  const documents = new SsmAutomationDocuments(stack, 'automation', { name: 'orders-us-east-1', globalClusters, replicators });
  return { ...base, targets: { ...targets, automation: { documents, globalClusterFailovers: globalClusters, replicatorPauses: replicators } } };
}

function synth(props: (stack: ReturnType<typeof scratchStack>) => FisExperimentsProps = () => base): { json: TerraformJson; experiments: FisExperiments } {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const experiments = new FisExperiments(stack, 'chaos', props(stack));
  return { json: synthScratch(stack), experiments };
}

const templates = (json: TerraformJson) => Object.fromEntries(resourcesOf(json, 'aws_fis_experiment_template').map((template) => [template.tags.scenario as string, template]));
const actions = (template: Record<string, unknown>) => template.action as Array<{ name: string; action_id: string; parameter: Array<{ key: string; value: string }>; target?: { key: string; value: string } }>;
const parameter = (action: { parameter: Array<{ key: string; value: string }> }, key: string) => action.parameter.find((entry) => entry.key === key)?.value;

describe('FisExperiments', () => {
  it('writes a template per scenario the region has targets for, and says why the others are left out', () => {
    const { json, experiments } = synth();
    expect(Object.keys(templates(json)).sort()).toEqual(['lag-spike', 'outage', 'partition']);
    expect(experiments.omitted).toEqual([{ scenario: 'mirror-break', reason: 'none of its faults (msk-replicator-stop) has a target in us-east-1' }]);
  });

  it('writes no template whose stop conditions would be more than FIS takes, and says so for each scenario left out', () => {
    const peers = Array.from({ length: 5 }, (_, index) => `arn:aws:cloudwatch:us-west-2:111122223333:alarm:peer-${index}`);
    const { json, experiments } = synth(() => ({ ...base, peerStopAlarmArns: peers }));
    expect(resourcesOf(json, 'aws_fis_experiment_template')).toEqual([]);
    expect(experiments.experiments).toEqual([]);
    expect(experiments.omitted.filter(({ reason }) => /takes 6 stop conditions, and FIS takes at most 5 per experiment template$/.test(reason)).map(({ scenario }) => scenario).sort()).toEqual(['lag-spike', 'outage', 'partition']);
  });

  it('leaves out only the mirror break when its extra stop condition is the one past the limit', () => {
    const peers = Array.from({ length: 4 }, (_, index) => `arn:aws:cloudwatch:us-west-2:111122223333:alarm:peer-${index}`);
    const { json, experiments } = synth((stack) => ({ ...withAutomation(stack), peerStopAlarmArns: peers }));
    expect(Object.keys(templates(json)).sort()).toEqual(['lag-spike', 'outage', 'partition']);
    for (const template of Object.values(templates(json))) expect(template.stop_condition).toHaveLength(5);
    expect(experiments.omitted).toEqual([{ scenario: 'mirror-break', reason: expect.stringMatching(/takes 6 stop conditions, and FIS takes at most 5 per experiment template$/) }]);
  });

  it('injects every fault of a scenario with its FIS action, in the scenario’s order, when all have targets', () => {
    const { json, experiments } = synth(withAutomation);
    for (const id of SCENARIO_IDS) {
      expect(experiments.experiments.find((experiment) => experiment.scenario === id)?.faults).toEqual(SCENARIOS[id].faults);
      const ids = new Set(actions(templates(json)[id]!).map((action) => action.action_id));
      expect(ids).toEqual(new Set(SCENARIOS[id].faults.map((fault) => FAULTS[fault].fisAction)));
    }
  });

  it('starts each fault once every action of the fault before it has finished, as the scenario lists them', () => {
    const { json } = synth(withAutomation);
    const order = (id: string) => actions(templates(json)[id]!).map((action) => [action.name, (action as { start_after?: string[] }).start_after ?? []]);
    expect(order('outage')).toEqual([
      ['eks-node-group-loss', []],
      ['cross-region-connectivity-us-west-2', ['eks-node-group-loss']],
      ['aurora-global-failover-orders-db', ['cross-region-connectivity-us-west-2']],
    ]);
    expect(order('lag-spike')).toEqual([
      ['pod-network-latency', []],
      ['s3-replication-pause-us-west-2', ['pod-network-latency']],
    ]);
    expect(order('mirror-break')).toEqual([['msk-replicator-stop-0', []]]);
  });

  it('stops on the blast radius, never on the faulted region’s own lag or error rate: replication toward the peers beyond the RPO and each surviving peer’s error rate and lag', () => {
    const { json } = synth(withAutomation);
    const composites = Object.fromEntries(resourcesOf(json, 'aws_cloudwatch_composite_alarm').map((alarm) => [alarm.alarm_name as string, alarm.alarm_rule]));
    expect(composites).toEqual({
      'orders-us-east-1-lag-toward-peers-beyond-rpo': 'ALARM("orders-us-east-1-rpo-toward-s3")',
      'orders-us-east-1-lag-into-beyond-rpo': 'ALARM("orders-us-east-1-rpo-into-kafka") OR ALARM("orders-us-east-1-rpo-into-aurora")',
    });
    const towardPeers = { source: 'aws:cloudwatch:alarm', value: expect.stringMatching(/^\$\{aws_cloudwatch_composite_alarm\.chaos_lag-toward-peers_[^}]+\.arn\}$/) };
    const peers = [PEER_ERROR_RATE, PEER_LAG_INTO].map((value) => ({ source: 'aws:cloudwatch:alarm', value }));
    for (const id of ['outage', 'partition', 'lag-spike']) expect(templates(json)[id]!.stop_condition).toEqual([towardPeers, ...peers]);
    // The region's own error-rate alarm is there for the peers' experiments, not for its own.
    expect(JSON.stringify(Object.values(templates(json)).map((template) => template.stop_condition))).not.toMatch(/aws_cloudwatch_metric_alarm/);
  });

  it('stops a mirror break also on the lag it holds back from this region beyond the RPO', () => {
    const { json } = synth(withAutomation);
    expect(templates(json)['mirror-break']!.stop_condition).toEqual([
      expect.anything(),
      ...[PEER_ERROR_RATE, PEER_LAG_INTO].map((value) => ({ source: 'aws:cloudwatch:alarm', value })),
      { source: 'aws:cloudwatch:alarm', value: expect.stringMatching(/^\$\{aws_cloudwatch_composite_alarm\.chaos_lag-into-region_[^}]+\.arn\}$/) },
    ]);
  });

  it('stops on the peers’ alarms alone in a region that replicates nothing toward them', () => {
    const { json } = synth(() => ({ ...base, lagTowardPeersBeyondRpo: [], lagIntoRegionBeyondRpo: [] }));
    expect(resourcesOf(json, 'aws_cloudwatch_composite_alarm')).toEqual([]);
    expect(templates(json).outage!.stop_condition).toEqual([PEER_ERROR_RATE, PEER_LAG_INTO].map((value) => ({ source: 'aws:cloudwatch:alarm', value })));
  });

  it('alarms when 5xx responses exceed the error-rate SLO as a share of the load balancer’s requests', () => {
    const { json } = synth(() => ({ ...base, errorRate: { ...base.errorRate, thresholdPercent: 0.5 } }));
    const [alarm] = resourcesOf(json, 'aws_cloudwatch_metric_alarm');
    expect(alarm).toEqual(expect.objectContaining({ alarm_name: 'orders-us-east-1-error-rate', threshold: 0.5, comparison_operator: 'GreaterThanThreshold', alarm_actions: [TOPIC] }));
    expect(alarm!.metric_query).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'requests', metric: expect.objectContaining({ metric_name: 'RequestCount', dimensions: { LoadBalancer: 'app/orders-us-east-1/0123456789abcdef' } }) }),
        expect.objectContaining({ id: 'errorRate', expression: '100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests', return_data: true }),
      ]),
    );
  });

  it('logs every experiment to a log group encrypted with the region key', () => {
    const { json } = synth();
    expect(resourcesOf(json, 'aws_cloudwatch_log_group')[0]).toEqual(expect.objectContaining({ name: '/aws/fis/orders-us-east-1', kms_key_id: KEY, retention_in_days: 365 }));
    for (const template of Object.values(templates(json))) {
      expect(template.log_configuration).toEqual({ log_schema_version: 2, cloudwatch_logs_configuration: { log_group_arn: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[^}]+\.arn\}:\*$/) } });
      expect(template.experiment_options).toEqual({ account_targeting: 'single-account', empty_target_resolution_mode: 'fail' });
    }
  });

  it('cuts the subnets off from each peer and pauses replication to each destination, for the RTO', () => {
    const { json } = synth(() => ({ ...base, targets: { ...targets, peerAwsRegions: ['us-west-2', 'eu-west-1'], buckets: [{ arn: BUCKET, destinationAwsRegions: ['us-west-2'] }] } }));
    const partition = templates(json).partition!;
    const cuts = actions(partition).filter((action) => action.action_id === FAULTS['cross-region-connectivity'].fisAction);
    expect(cuts.map((action) => [parameter(action, 'region'), parameter(action, 'duration')])).toEqual([['us-west-2', 'PT15M'], ['eu-west-1', 'PT15M']]);
    const pauses = actions(partition).filter((action) => action.action_id === FAULTS['s3-replication-pause'].fisAction);
    expect(pauses.map((action) => parameter(action, 'region'))).toEqual(['us-west-2']);
    expect(partition.target).toEqual(
      expect.arrayContaining([
        { name: 'cross-region-connectivity-subnets', resource_type: 'aws:ec2:subnet', resource_arns: SUBNETS, selection_mode: 'ALL' },
        { name: 's3-replication-pause-buckets-us-west-2', resource_type: 'aws:s3:bucket', resource_arns: [BUCKET], selection_mode: 'ALL' },
      ]),
    );
  });

  it('chooses node groups by every stack tag and pods by the app label in its namespace', () => {
    const { json } = synth();
    expect(templates(json).outage!.target).toEqual(
      expect.arrayContaining([
        { name: 'eks-node-group-loss-node-groups', resource_type: 'aws:eks:nodegroup', resource_tag: [{ key: 'project', value: 'orders' }, { key: 'stack', value: 'us-east-1' }], selection_mode: 'ALL' },
      ]),
    );
    const lag = templates(json)['lag-spike']!;
    expect(lag.target).toEqual(
      expect.arrayContaining([
        {
          name: 'pod-network-latency-pods',
          resource_type: 'aws:eks:pod',
          parameters: { clusterIdentifier: 'orders-us-east-1', namespace: 'orders-api', selectorType: 'labelSelector', selectorValue: 'app.kubernetes.io/name=orders-api' },
          selection_mode: 'ALL',
        },
      ]),
    );
    const latency = actions(lag).find((action) => action.action_id === 'aws:eks:pod-network-latency')!;
    expect([parameter(latency, 'delayMilliseconds'), parameter(latency, 'kubernetesServiceAccount')]).toEqual(['400', 'fis-experiment']);
  });

  it('runs the SSM documents as their role, with the resources the template names', () => {
    const { json } = synth(withAutomation);
    const failover = actions(templates(json).outage!).find((action) => action.action_id === 'aws:ssm:start-automation-execution')!;
    expect(failover.name).toBe('aurora-global-failover-orders-db');
    expect(parameter(failover, 'documentArn')).toMatch(/^\$\{aws_ssm_document\.[^}]*global-cluster-failover[^}]*\.arn\}$/);
    expect(JSON.parse(parameter(failover, 'documentParameters')!)).toEqual({
      AutomationAssumeRole: expect.stringMatching(/^\$\{aws_iam_role\.[^}]+\.arn\}$/),
      GlobalClusterIdentifier: 'orders-orders-db',
      TargetDbClusterArn: 'arn:aws:rds:us-west-2:111122223333:cluster:orders-orders-db-us-west-2',
      Mode: 'failover',
    });
    const pause = actions(templates(json)['mirror-break']!)[0]!;
    expect(JSON.parse(parameter(pause, 'documentParameters')!)).toEqual(expect.objectContaining({ PauseDuration: 'PT15M', ReplicatorArn: expect.stringContaining(':replicator/') }));
    expect(parameter(pause, 'maxDuration')).toBe('PT45M');
  });

  it('is assumed only by FIS experiments of its own account and region', () => {
    const { json } = synth();
    const trust = Object.entries(json.data!.aws_iam_policy_document!).find(([name]) => name.startsWith('chaos_trust'))![1];
    expect(trust.statement).toEqual([
      expect.objectContaining({
        principals: [{ type: 'Service', identifiers: ['fis.amazonaws.com'] }],
        condition: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: [expect.stringMatching(/account_id\}$/)] },
          { test: 'ArnLike', variable: 'aws:SourceArn', values: [expect.stringMatching(/:fis:us-east-1:\$\{data\.aws_caller_identity\.[^}]+\.account_id\}:experiment\/\*$/)] },
        ],
      }),
    ]);
  });
});

describe('FIS stop conditions in the region stacks', () => {
  type Stack = { resource: Record<string, Record<string, Record<string, unknown>>> };
  let stacks: Record<string, Stack>;
  const alarmNames = (stack: Stack) => new Set([...Object.values(stack.resource.aws_cloudwatch_metric_alarm ?? {}), ...Object.values(stack.resource.aws_cloudwatch_composite_alarm ?? {})].map((alarm) => alarm.alarm_name as string));
  const composite = (stack: Stack, name: string) => Object.values(stack.resource.aws_cloudwatch_composite_alarm ?? {}).find((alarm) => alarm.alarm_name === name);
  const stopsOf = (stack: Stack) => Object.values(stack.resource.aws_fis_experiment_template ?? {}).map((template) => [template.tags, template.stop_condition] as [{ Name: string }, Array<{ value: string }>]);

  let model: Model;

  beforeAll(async () => {
    const load = await loadModel(ROOT);
    if (load.errors) throw new Error(load.errors.map((error) => error.message).join('\n'));
    model = load.model;
    const files = synthModel(model);
    stacks = Object.fromEntries(['us-east-1', 'us-west-2'].map((id) => [id, JSON.parse(files.get(`terraform/${id}/cdk.tf.json`)!) as Stack]));
  }, 60_000);

  it('stops the primary’s experiments on the Aurora, Redis and Kafka lag into the surviving secondary beyond each RPO, alarmed in the secondary where those metrics are', () => {
    const into = composite(stacks['us-west-2']!, 'orders-us-west-2-lag-into-beyond-rpo')!;
    for (const alarm of ['aurora-orders-orders-db-us-west-2', 'cache-orders-sessions-us-west-2', 'kafka-orders-us-east-1-to-us-west-2']) expect(into.alarm_rule).toContain(`rpo-into_alarm-${alarm}_`);
    const thresholds = Object.values(stacks['us-west-2']!.resource.aws_cloudwatch_metric_alarm!)
      .filter((alarm) => (alarm.alarm_name as string).startsWith('orders-us-west-2-rpo-into-'))
      .map((alarm) => [alarm.alarm_name, alarm.threshold]);
    expect(thresholds).toEqual([
      ['orders-us-west-2-rpo-into-aurora-orders-orders-db-us-west-2-replication-lag', 120_000],
      ['orders-us-west-2-rpo-into-cache-orders-sessions-us-west-2-replication-lag', 90],
      ['orders-us-west-2-rpo-into-kafka-orders-us-east-1-to-us-west-2-replication-lag', 120_000],
    ]);
    for (const [tags, stops] of stopsOf(stacks['us-east-1']!)) {
      expect(stops.map((stop) => stop.value).slice(1), tags.Name).toEqual([
        'arn:${data.aws_partition.partition.partition}:cloudwatch:us-west-2:${data.aws_caller_identity.account.account_id}:alarm:orders-us-west-2-error-rate',
        'arn:${data.aws_partition.partition.partition}:cloudwatch:us-west-2:${data.aws_caller_identity.account.account_id}:alarm:orders-us-west-2-lag-into-beyond-rpo',
      ]);
    }
  });

  it('keeps running when the failover it caused silences the promoted cluster’s lag, while the paging alarms still read that silence as an outage', () => {
    const metricAlarms = Object.values(stacks['us-west-2']!.resource.aws_cloudwatch_metric_alarm!);
    const missingData = (prefix: string) => metricAlarms.filter((alarm) => (alarm.alarm_name as string).startsWith(prefix) && (alarm.alarm_name as string).includes('-aurora-')).map((alarm) => alarm.treat_missing_data);
    expect(missingData('orders-us-west-2-rpo-into-')).toEqual(['notBreaching']);
    expect(missingData('orders-us-west-2-aurora-')).toEqual(['breaching']);
    for (const alarm of metricAlarms.filter((alarm) => /-rpo-(into|toward)-/.test(alarm.alarm_name as string))) expect(alarm.treat_missing_data, alarm.alarm_name as string).toBe('notBreaching');
  });

  it('tags each template with the name the failover steps tell the operator to start', () => {
    for (const id of ['us-east-1', 'us-west-2']) {
      const names = Object.values(stacks[id]!.resource.aws_fis_experiment_template!).map((template) => (template.tags as { Name: string }).Name);
      expect(names.length, id).toBeGreaterThan(0);
      for (const name of names) expect(SCENARIO_IDS.map((scenario) => fisExperimentTemplateName(`orders-${id}`, scenario))).toContain(name);
    }
    const change = planFailover(model, { from: 'us-east-1', to: 'us-west-2', scenario: 'mirror-break' });
    if (change.kind === 'invalid') throw new Error(change.reason);
    const named = /FIS experiment template (\S+) stops it/.exec(change.steps.find((step) => step.channel === 'msk')!.what)![1];
    expect(Object.values(stacks['us-west-2']!.resource.aws_fis_experiment_template!).map((template) => (template.tags as { Name: string }).Name)).toContain(named);
  });

  it('names by ARN only alarms the peer’s stack defines, and never stops on the faulted region’s own error rate', () => {
    for (const [id, peer] of [['us-east-1', 'us-west-2'], ['us-west-2', 'us-east-1']] as const) {
      for (const [tags, stops] of stopsOf(stacks[id]!)) {
        const literal = stops.map((stop) => stop.value).filter((value) => value.startsWith('arn:'));
        expect(literal.length, tags.Name).toBeGreaterThan(0);
        for (const arn of literal) {
          expect(arn, tags.Name).toContain(`:cloudwatch:${peer}:`);
          expect(alarmNames(stacks[peer]!).has(arn.split(':alarm:')[1]!), arn).toBe(true);
        }
        expect(JSON.stringify(stops), tags.Name).not.toMatch(/error-rate_|replication-lag-any/);
      }
    }
  });
});
