import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch, type TerraformJson } from '../../tests/helpers/scratch-stack';
import { SsmAutomationDocuments, type SsmAutomationDocumentsProps } from './ssm-automation-documents';

const globalClusters = [{ dataSet: 'orders-db', globalClusterIdentifier: 'orders-orders-db', targetClusterArn: 'arn:aws:rds:us-west-2:111122223333:cluster:orders-orders-db-us-west-2' }];
const replicators = [
  { replicatorArn: 'arn:aws:kafka:us-west-2:111122223333:replicator/orders-us-east-1-to-us-west-2/x', sourceClusterArn: 'arn:aws:kafka:us-east-1:111122223333:cluster/e/x', targetClusterArn: 'arn:aws:kafka:us-west-2:111122223333:cluster/w/x' },
];

function synth(props: Partial<SsmAutomationDocumentsProps>): TerraformJson {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-west-2' });
  new SsmAutomationDocuments(stack, 'automation', { name: 'orders-us-west-2', ...props });
  return synthScratch(stack);
}

const document = (json: TerraformJson, suffix: string) => {
  const found = resourcesOf(json, 'aws_ssm_document').find((candidate) => candidate.name === `orders-us-west-2-${suffix}`);
  expect(found, suffix).toBeDefined();
  expect(found).toEqual(expect.objectContaining({ document_type: 'Automation', document_format: 'JSON' }));
  return JSON.parse(found!.content) as { schemaVersion: string; assumeRole: string; parameters: Record<string, unknown>; mainSteps: Array<{ name: string; inputs: Record<string, unknown> } & Record<string, unknown>> };
};
const policyStatements = (json: TerraformJson) => Object.entries(json.data!.aws_iam_policy_document!).find(([name]) => name.startsWith('automation_policy'))?.[1].statement;

describe('SsmAutomationDocuments', () => {
  it('fails a global database over to the named secondary, allowing data loss unless asked for a switchover, and waits until it settles', () => {
    const content = document(synth({ globalClusters }), 'aurora-global-failover');
    expect(content).toEqual(expect.objectContaining({ schemaVersion: '0.3', assumeRole: '{{ AutomationAssumeRole }}' }));
    expect(Object.keys(content.parameters).sort()).toEqual(['AutomationAssumeRole', 'GlobalClusterIdentifier', 'Mode', 'TargetDbClusterArn']);
    const steps = Object.fromEntries(content.mainSteps.map((step) => [step.name, step]));
    expect(content.mainSteps.map((step) => step.name)).toEqual(['chooseMode', 'failover', 'switchover', 'waitUntilAvailable', 'recordMembers']);
    expect(steps.failover!.inputs).toEqual(expect.objectContaining({ Service: 'rds', Api: 'FailoverGlobalCluster', AllowDataLoss: true, TargetDbClusterIdentifier: '{{ TargetDbClusterArn }}' }));
    expect(steps.switchover!.inputs).toEqual(expect.objectContaining({ Api: 'FailoverGlobalCluster', Switchover: true }));
    expect(steps.waitUntilAvailable!.inputs).toEqual(expect.objectContaining({ Api: 'DescribeGlobalClusters', PropertySelector: '$.GlobalClusters[0].Status', DesiredValues: ['available'] }));
  });

  it('pauses a replicator by excluding every topic, restores the settings it read, and restores them when cancelled', () => {
    const content = document(synth({ replicators }), 'msk-replicator-pause');
    const steps = Object.fromEntries(content.mainSteps.map((step) => [step.name, step]));
    expect(content.mainSteps.map((step) => step.name)).toEqual(['readSettings', 'excludeEveryTopic', 'waitPaused', 'hold', 'readVersionToRestore', 'restoreTopics', 'waitRestored']);
    expect(steps.excludeEveryTopic!.inputs.TopicReplication).toEqual(expect.objectContaining({ TopicsToExclude: ['.*'], TopicsToReplicate: '{{ readSettings.TopicsToReplicate }}' }));
    expect(steps.restoreTopics!.inputs).toEqual(expect.objectContaining({ Api: 'UpdateReplicationInfo', CurrentVersion: '{{ readVersionToRestore.CurrentVersion }}' }));
    expect(steps.restoreTopics!.inputs.TopicReplication).toEqual(expect.objectContaining({ TopicsToExclude: [], CopyTopicConfigurations: '{{ readSettings.CopyTopicConfigurations }}' }));
    expect(steps.hold).toEqual(expect.objectContaining({ action: 'aws:sleep', onCancel: 'step:readVersionToRestore', onFailure: 'step:readVersionToRestore' }));
  });

  it('lets its role make exactly the documents’ calls on exactly the named resources', () => {
    const statements = policyStatements(synth({ globalClusters, replicators }));
    expect(statements).toEqual([
      {
        sid: 'FailOverTheGlobalDatabases',
        effect: 'Allow',
        actions: ['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster', 'rds:DescribeGlobalClusters'],
        resources: [expect.stringMatching(/^arn:\$\{data\.aws_partition\.[^}]+\.partition\}:rds::\$\{data\.aws_caller_identity\.[^}]+\.account_id\}:global-cluster:orders-orders-db$/), globalClusters[0]!.targetClusterArn],
      },
      { sid: 'PauseTheReplicators', effect: 'Allow', actions: ['kafka:DescribeReplicator', 'kafka:UpdateReplicationInfo'], resources: [replicators[0]!.replicatorArn] },
    ]);
  });

  it('is assumed only by SSM Automation of its own account', () => {
    const json = synth({ globalClusters });
    const trust = Object.entries(json.data!.aws_iam_policy_document!).find(([name]) => name.startsWith('automation_trust'))![1];
    expect(trust.statement[0]).toEqual(expect.objectContaining({ principals: [{ type: 'Service', identifiers: ['ssm.amazonaws.com'] }] }));
    expect(trust.statement[0].condition.map((condition: { variable: string }) => condition.variable)).toEqual(['aws:SourceAccount', 'aws:SourceArn']);
  });

  it('writes no document and grants nothing when the region holds no writer and runs no replicator', () => {
    const json = synth({});
    expect(resourcesOf(json, 'aws_ssm_document')).toEqual([]);
    expect(policyStatements(json)).toBeUndefined();
  });
});
