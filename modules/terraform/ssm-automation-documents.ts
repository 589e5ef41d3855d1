import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import { SsmDocument } from '@cdktn/provider-aws/lib/ssm-document';
import { Construct } from 'constructs';
import { callerIdentity, partitionOf } from './aws-context';
import { stackRoleConfig } from './stack-roles';

/** An Aurora global database this region holds the writer of, and the secondary cluster that takes over. */
export interface GlobalClusterFailover {
  /** The data set it holds, naming the experiment action. */
  readonly dataSet: string;
  readonly globalClusterIdentifier: string;
  /** ARN of the secondary cluster to promote; it lives in another region, so it is written out, not referenced. */
  readonly targetClusterArn: string;
}

/** An MSK Replicator running in this region (it writes into this region's cluster). */
export interface ReplicatorPause {
  /** A reference to the replicator's ARN. */
  readonly replicatorArn: string;
  readonly sourceClusterArn: string;
  readonly targetClusterArn: string;
}

export interface SsmAutomationDocumentsProps {
  /** Prefix of the document and role names, e.g. `orders-us-east-1`. */
  readonly name: string;
  /** @default none: no Aurora failover document */
  readonly globalClusters?: readonly GlobalClusterFailover[];
  /** @default none: no replicator pause document */
  readonly replicators?: readonly ReplicatorPause[];
}

const NAME = /^[A-Za-z0-9_.-]{3,80}$/;
/** SSM refuses document names that start with these, in any letter case. */
const RESERVED_PREFIXES = ['aws', 'amazon', 'amzn'];
/** How long the Aurora document waits for the global cluster to settle after a failover or switchover. */
const GLOBAL_CLUSTER_SETTLE_SECONDS = 1800;
const REPLICATOR_SETTLE_SECONDS = 900;

/**
 * The SSM Automation documents the region's FIS experiments run where FIS has no native action (an
 * Aurora global database failover, an MSK Replicator stop), and the one role they run as, allowed
 * exactly the calls the documents make on exactly the resources named in the props.
 *
 * FIS passes the role (`AutomationAssumeRole`) and the resource identifiers as document parameters, so
 * a document names no resource of its own and an experiment template says in one place what it touches.
 */
export class SsmAutomationDocuments extends Construct {
  readonly role: IamRole;
  /** Promotes a secondary of a global database: `Mode` `failover` (AllowDataLoss, as in an outage) or `switchover`. */
  readonly globalClusterFailover?: SsmDocument;
  /**
   * Stops a replicator mirroring for `PauseDuration` by excluding every topic, then restores the
   * configured topics; cancelling the execution (an FIS stop condition) restores them at once.
   */
  readonly replicatorPause?: SsmDocument;

  constructor(scope: Construct, id: string, props: SsmAutomationDocumentsProps) {
    super(scope, id);
    validate(id, props);
    const globalClusters = props.globalClusters ?? [];
    const replicators = props.replicators ?? [];
    const account = callerIdentity(this);
    const partition = partitionOf(this);

    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [
        {
          sid: 'SsmAutomationOfThisAccount',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['ssm.amazonaws.com'] }],
          actions: ['sts:AssumeRole'],
          condition: [
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] },
            { test: 'ArnLike', variable: 'aws:SourceArn', values: [`arn:${partition.partition}:ssm:*:${account.accountId}:automation-execution/*`] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, 'role', {
      name: `${props.name}-fault-automation`,
      description: `SSM Automation of the ${props.name} FIS experiments`,
      assumeRolePolicy: trust.json,
      ...stackRoleConfig(this),
    });

    const globalClusterArn = (identifier: string) => `arn:${partition.partition}:rds::${account.accountId}:global-cluster:${identifier}`;
    const statements: DataAwsIamPolicyDocumentStatement[] = [
      ...(globalClusters.length
        ? [
            {
              sid: 'FailOverTheGlobalDatabases',
              effect: 'Allow',
              actions: ['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster', 'rds:DescribeGlobalClusters'],
              resources: [...globalClusters.map((cluster) => globalClusterArn(cluster.globalClusterIdentifier)), ...globalClusters.map((cluster) => cluster.targetClusterArn)],
            },
          ]
        : []),
      ...(replicators.length
        ? [
            {
              sid: 'PauseTheReplicators',
              effect: 'Allow',
              actions: ['kafka:DescribeReplicator', 'kafka:UpdateReplicationInfo'],
              resources: replicators.map((replicator) => replicator.replicatorArn),
            },
          ]
        : []),
    ];
    if (statements.length) {
      const policy = new DataAwsIamPolicyDocument(this, 'policy', { statement: statements });
      new IamRolePolicy(this, 'role-policy', { name: 'inject-faults', role: this.role.name, policy: policy.json });
    }

    if (globalClusters.length) {
      this.globalClusterFailover = new SsmDocument(this, 'global-cluster-failover', {
        name: `${props.name}-aurora-global-failover`,
        documentType: 'Automation',
        documentFormat: 'JSON',
        content: JSON.stringify(globalClusterFailoverDocument()),
        tags: { Name: `${props.name}-aurora-global-failover` },
      });
    }
    if (replicators.length) {
      this.replicatorPause = new SsmDocument(this, 'replicator-pause', {
        name: `${props.name}-msk-replicator-pause`,
        documentType: 'Automation',
        documentFormat: 'JSON',
        content: JSON.stringify(replicatorPauseDocument()),
        tags: { Name: `${props.name}-msk-replicator-pause` },
      });
    }
  }
}

const assumeRoleParameter = { AutomationAssumeRole: { type: 'String', description: 'The role the automation runs as.' } };

function globalClusterFailoverDocument() {
  const failover = (name: string, flag: Record<string, boolean>) => ({
    name,
    action: 'aws:executeAwsApi',
    inputs: { Service: 'rds', Api: 'FailoverGlobalCluster', GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}', TargetDbClusterIdentifier: '{{ TargetDbClusterArn }}', ...flag },
    nextStep: 'waitUntilAvailable',
  });
  return {
    schemaVersion: '0.3',
    description: 'Promotes a secondary cluster of an Aurora global database: failover (allowing data loss, as in a region outage) or switchover (no data loss).',
    assumeRole: '{{ AutomationAssumeRole }}',
    parameters: {
      ...assumeRoleParameter,
      GlobalClusterIdentifier: { type: 'String', description: 'The global database.' },
      TargetDbClusterArn: { type: 'String', description: 'ARN of the secondary cluster to promote.' },
      Mode: { type: 'String', allowedValues: ['failover', 'switchover'], default: 'failover', description: 'failover allows data loss; switchover waits for the secondary to catch up.' },
    },
    mainSteps: [
      {
        name: 'chooseMode',
        action: 'aws:branch',
        inputs: { Choices: [{ NextStep: 'switchover', Variable: '{{ Mode }}', StringEquals: 'switchover' }], Default: 'failover' },
      },
      failover('failover', { AllowDataLoss: true }),
      failover('switchover', { Switchover: true }),
      {
        name: 'waitUntilAvailable',
        action: 'aws:waitForAwsResourceProperty',
        timeoutSeconds: GLOBAL_CLUSTER_SETTLE_SECONDS,
        inputs: {
          Service: 'rds',
          Api: 'DescribeGlobalClusters',
          GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}',
          PropertySelector: '$.GlobalClusters[0].Status',
          DesiredValues: ['available'],
        },
        nextStep: 'recordMembers',
      },
      {
        // The execution's output then shows which cluster writes, for the drill's evidence.
        name: 'recordMembers',
        action: 'aws:executeAwsApi',
        inputs: { Service: 'rds', Api: 'DescribeGlobalClusters', GlobalClusterIdentifier: '{{ GlobalClusterIdentifier }}' },
        outputs: [{ Name: 'Members', Selector: '$.GlobalClusters[0].GlobalClusterMembers', Type: 'MapList' }],
        isEnd: true,
      },
    ],
  };
}

function replicatorPauseDocument() {
  const topicReplication = '$.ReplicationInfoList[0].TopicReplication';
  // The pause keeps the replicator's own topic settings and restores them as read, so a restored replicator shows no drift.
  const describe = (name: string, nextStep: string, settings: boolean) => ({
    name,
    action: 'aws:executeAwsApi',
    inputs: { Service: 'kafka', Api: 'DescribeReplicator', ReplicatorArn: '{{ ReplicatorArn }}' },
    outputs: [
      { Name: 'CurrentVersion', Selector: '$.CurrentVersion', Type: 'String' },
      ...(settings
        ? [
            { Name: 'TopicsToReplicate', Selector: `${topicReplication}.TopicsToReplicate`, Type: 'StringList' },
            { Name: 'CopyTopicConfigurations', Selector: `${topicReplication}.CopyTopicConfigurations`, Type: 'Boolean' },
            { Name: 'CopyAccessControlListsForTopics', Selector: `${topicReplication}.CopyAccessControlListsForTopics`, Type: 'Boolean' },
            { Name: 'DetectAndCopyNewTopics', Selector: `${topicReplication}.DetectAndCopyNewTopics`, Type: 'Boolean' },
          ]
        : []),
    ],
    nextStep,
  });
  const setting = (output: string) => `{{ readSettings.${output} }}`;
  const update = (name: string, version: string, topicsToExclude: string[], nextStep: string) => ({
    name,
    action: 'aws:executeAwsApi',
    inputs: {
      Service: 'kafka',
      Api: 'UpdateReplicationInfo',
      ReplicatorArn: '{{ ReplicatorArn }}',
      CurrentVersion: `{{ ${version}.CurrentVersion }}`,
      SourceKafkaClusterArn: '{{ SourceKafkaClusterArn }}',
      TargetKafkaClusterArn: '{{ TargetKafkaClusterArn }}',
      TopicReplication: {
        TopicsToReplicate: setting('TopicsToReplicate'),
        // Exclusion wins over replication: '.*' stops every topic; the replicators this repository creates exclude none.
        TopicsToExclude: topicsToExclude,
        CopyTopicConfigurations: setting('CopyTopicConfigurations'),
        CopyAccessControlListsForTopics: setting('CopyAccessControlListsForTopics'),
        DetectAndCopyNewTopics: setting('DetectAndCopyNewTopics'),
      },
    },
    nextStep,
  });
  const waitRunning = (name: string, nextStep: string | undefined) => ({
    name,
    action: 'aws:waitForAwsResourceProperty',
    timeoutSeconds: REPLICATOR_SETTLE_SECONDS,
    inputs: { Service: 'kafka', Api: 'DescribeReplicator', ReplicatorArn: '{{ ReplicatorArn }}', PropertySelector: '$.ReplicatorState', DesiredValues: ['RUNNING'] },
    ...(nextStep ? { nextStep } : { isEnd: true }),
  });
  return {
    schemaVersion: '0.3',
    description: 'Stops an MSK Replicator mirroring for a while by excluding every topic, then restores the topic settings it read first. Cancelling the execution restores them at once.',
    assumeRole: '{{ AutomationAssumeRole }}',
    parameters: {
      ...assumeRoleParameter,
      ReplicatorArn: { type: 'String', description: 'The replicator to pause.' },
      SourceKafkaClusterArn: { type: 'String', description: 'The cluster it mirrors from.' },
      TargetKafkaClusterArn: { type: 'String', description: 'The cluster it mirrors into.' },
      PauseDuration: { type: 'String', description: 'ISO 8601 duration of the pause, e.g. PT15M.' },
    },
    mainSteps: [
      describe('readSettings', 'excludeEveryTopic', true),
      update('excludeEveryTopic', 'readSettings', ['.*'], 'waitPaused'),
      waitRunning('waitPaused', 'hold'),
      { name: 'hold', action: 'aws:sleep', inputs: { Duration: '{{ PauseDuration }}' }, onCancel: 'step:readVersionToRestore', onFailure: 'step:readVersionToRestore', nextStep: 'readVersionToRestore' },
      describe('readVersionToRestore', 'restoreTopics', false),
      update('restoreTopics', 'readVersionToRestore', [], 'waitRestored'),
      waitRunning('waitRestored', undefined),
    ],
  };
}

function validate(id: string, props: SsmAutomationDocumentsProps): void {
  const fail = (path: string, expected: string, got: unknown) => {
    throw new Error(`SsmAutomationDocuments ${id}: ${path}: expected ${expected}, got ${JSON.stringify(got)}`);
  };
  // The longest document name adds 25 characters; SSM allows 128.
  if (!NAME.test(props.name) || RESERVED_PREFIXES.some((prefix) => props.name.toLowerCase().startsWith(prefix))) {
    fail('name', `3-80 letters, digits, '_', '-' and '.', not starting with ${RESERVED_PREFIXES.join(', ')} (SSM reserves them)`, props.name);
  }
  const identifiers = (props.globalClusters ?? []).map((cluster) => cluster.globalClusterIdentifier);
  identifiers.forEach((identifier, index) => {
    if (identifiers.indexOf(identifier) !== index) fail(`globalClusters[${index}].globalClusterIdentifier`, 'each global database once', identifier);
  });
}
