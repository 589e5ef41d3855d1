import { TerraformStack } from 'cdktn';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import type { CloudwatchMetricAlarm } from '@cdktn/provider-aws/lib/cloudwatch-metric-alarm';
import type { DataAwsCallerIdentity } from '@cdktn/provider-aws/lib/data-aws-caller-identity';
import type { DataAwsPartition } from '@cdktn/provider-aws/lib/data-aws-partition';
import type { Construct } from 'constructs';
import { primaryRegion, regionsOfApp, type App, type DataSet, type Model, type Region } from '../../schemas';
import { AccessLogBucket } from './access-log-bucket';
import { AuroraGlobalDatabase } from './aurora-global-database';
import { BackupPlan } from './backup-plan';
import { CacheGlobalDatastore } from './cache-global-datastore';
import { EksCluster } from './eks-cluster';
import { FisClusterAccess } from './fis-cluster-access';
import { errorRateAlarmName, FisExperiments, lagIntoBeyondRpoAlarmName } from './fis-experiments';
import { KafkaCluster } from './kafka-cluster';
import { KafkaReplicator } from './kafka-replicator';
import { PublicLoadBalancer } from './public-load-balancer';
import { ReconciliationRole } from './reconciliation-role';
import { RegionalAlarms, type RegionalAlarmsProps } from './regional-alarms';
import { RegionalKey } from './regional-key';
import { RegionalNetwork } from './regional-network';
import { ReplicatedBucket } from './replicated-bucket';
import { SsmAutomationDocuments } from './ssm-automation-documents';
import { publish, REGION_OUTPUTS, remoteStack } from './stack-outputs';
import { useStateBackend } from './state-backend';
import { WebAcl } from './web-acl';
import { WorkloadRole } from './workload-role';
import { callerIdentity, partitionOf } from './aws-context';
import { defaultTags } from './default-tags';
import { auroraGlobalClusterId, dataSetResourceName, entryApp, FIS_KUBERNETES_USER, FIS_SERVICE_ACCOUNT, fisExperimentRoleName, kafkaReplicatorName, reconciledDataSets, reconciliationRoleName, regionResourceName, stackRoleBoundaryArn, stackRolePath, workloadRoleName } from '../names';
import { confineStackRoles } from './stack-roles';
import { kafkaMirrorsInto, replicationTargets } from '../kafka-mirrors';
import { SCENARIO_IDS, SCENARIOS } from '../../schemas/scenarios';

export interface RegionStackProps {
  readonly region: Region;
  readonly model: Model;
}

/** S3 Replication Time Control replicates 99.99% of objects within 15 minutes; a tighter RPO needs it. */
const RTC_SECONDS = 900;

/**
 * Everything that lives in one AWS region, in its own state so that losing a region never blocks
 * applying the other. The primary holds the writers of the global database and datastore; a secondary
 * joins them, reading the primary's identifiers from its state.
 */
export class RegionStack extends TerraformStack {
  readonly network: RegionalNetwork;

  constructor(scope: Construct, id: string, props: RegionStackProps) {
    super(scope, id);
    const { region, model } = props;
    const { global } = model;
    const name = regionResourceName(global, region);
    const primary = primaryRegion(model);
    const peers = model.regions.filter((other) => other.id !== region.id);
    const dataSets = (store: DataSet['store']) => model.replication.dataSets.filter((dataSet) => dataSet.store === store);
    // Data-set resources are named, not referenced, wherever a name is known before apply: alarms and peers use them.
    const regionalName = (dataSet: DataSet) => dataSetResourceName(global, dataSet, region);
    const replicatorName = (source: Region) => kafkaReplicatorName(global, source, region);
    const apps = model.apps.filter((app) => regionsOfApp(model, app).includes(region));

    new AwsProvider(this, 'aws', {
      region: region.awsRegion,
      allowedAccountIds: [global.infrastructure.accountId],
      defaultTags: defaultTags({ project: global.name, stack: id, region: region.id, role: region.role, residency: region.residency.zone, 'managed-by': 'terraform' }, region.residency.tags),
    });
    useStateBackend(this, global.terraformState, id);
    const account = callerIdentity(this);
    const partition = partitionOf(this);
    confineStackRoles(this, { path: stackRolePath(global, region.id), permissionsBoundary: stackRoleBoundaryArn(global, partition.partition, account.accountId) });
    const primaryState = region.id === primary.id ? undefined : remoteStack(this, 'primary-state', global.terraformState, primary.id);

    const key = new RegionalKey(this, 'key', { name, awsRegion: region.awsRegion });
    const kmsKeyArn = key.key.arn;
    const peerKeyArn = (peer: Region) => `arn:${partition.partition}:kms:${peer.awsRegion}:${account.accountId}:alias/${global.name}-${peer.id}`;

    this.network = new RegionalNetwork(this, 'network', {
      name,
      vpcCidr: region.network.vpcCidr,
      availabilityZones: region.network.availabilityZones,
      subnets: region.network.subnets,
      kmsKeyArn,
    });
    const privateSubnetIds = this.network.subnets.private.map((subnet) => subnet.id);
    const databaseSubnetIds = this.network.subnets.database.map((subnet) => subnet.id);
    const clientCidrs = [...region.network.subnets.private];

    const eks = new EksCluster(this, 'eks', {
      name,
      version: region.eks.version,
      kmsKeyArn,
      subnetIds: privateSubnetIds,
      nodeGroups: region.eks.nodeGroups,
    });

    const logBucketName = (of: Region) => `${global.name}-${of.id}-access-logs`;
    const logs = new AccessLogBucket(this, 'access-logs', {
      bucketName: logBucketName(region),
      awsRegion: region.awsRegion,
      loadBalancerLogPrefix: name,
      replicateTo: peers.map((peer) => ({ awsRegion: peer.awsRegion, bucketName: logBucketName(peer) })),
    });
    const webAcl = new WebAcl(this, 'waf', { name, rateLimitPerFiveMinutes: global.infrastructure.wafRateLimitPerFiveMinutes, kmsKeyArn });
    const entry = entryApp(apps, region);
    const loadBalancer = new PublicLoadBalancer(this, 'edge', {
      name,
      vpcId: this.network.vpc.id,
      publicSubnetIds: this.network.subnets.public.map((subnet) => subnet.id),
      targetCidrs: clientCidrs,
      targetSecurityGroupId: eks.clusterSecurityGroupId,
      certificateDomain: `${region.dns.regionalRecord}.${region.dns.zone}`,
      alternativeNames: [`${global.dns.record}.${global.dns.zone}`],
      zoneName: region.dns.zone,
      webAclArn: webAcl.arn,
      accessLogBucketName: logs.bucket.bucket,
      targetPort: entry.port,
      healthCheckPath: region.healthCheck.path,
    });

    const databases = dataSets('aurora').map(
      (dataSet) =>
        [
          dataSet,
          new AuroraGlobalDatabase(this, `db-${dataSet.name}`, {
            name: regionalName(dataSet),
            globalClusterIdentifier: auroraGlobalClusterId(global, dataSet),
            role: region.role,
            instanceClass: region.database.instanceClass,
            instances: region.database.instances,
            backupRetentionDays: region.database.backupRetentionDays,
            kmsKeyArn,
            vpcId: this.network.vpc.id,
            subnetIds: databaseSubnetIds,
            clientCidrs,
          }),
        ] as const,
    );

    const caches = dataSets('redis').map(
      (dataSet) =>
        [
          dataSet,
          new CacheGlobalDatastore(this, `cache-${dataSet.name}`, {
            name: regionalName(dataSet),
            role: region.role,
            nodeType: region.cache.nodeType,
            shards: region.cache.shards,
            replicasPerShard: region.cache.replicasPerShard,
            kmsKeyArn,
            vpcId: this.network.vpc.id,
            subnetIds: databaseSubnetIds,
            clientCidrs,
            ...(primaryState
              ? { globalReplicationGroupId: primaryState.getString(REGION_OUTPUTS.cacheGlobalReplicationGroupId(dataSet.name)) }
              : { globalReplicationGroupIdSuffix: `${global.name}-${dataSet.name}` }),
          }),
        ] as const,
    );

    const kafkaDataSets = dataSets('kafka');
    const kafka = kafkaDataSets.length
      ? new KafkaCluster(this, 'kafka', {
          name,
          brokerInstanceType: region.kafka.brokerInstanceType,
          brokersPerAz: region.kafka.brokersPerAz,
          storageGiB: region.kafka.storageGiB,
          vpcId: this.network.vpc.id,
          subnetIds: privateSubnetIds,
          clientCidrs,
          kmsKeyArn,
        })
      : undefined;
    const replicators = kafka
      ? kafkaMirrorsInto(model, region).map(({ source, topics, activeActive }) => {
          const sourceState = source.id === primary.id && primaryState ? primaryState : remoteStack(this, `state-${source.id}`, global.terraformState, source.id);
          const replicator = new KafkaReplicator(this, `kafka-from-${source.id}`, {
            name: replicatorName(source),
            sourceClusterArn: sourceState.getString(REGION_OUTPUTS.kafkaClusterArn),
            sourceSubnetIds: sourceState.getList(REGION_OUTPUTS.kafkaSubnetIds),
            sourceSecurityGroupIds: [sourceState.getString(REGION_OUTPUTS.kafkaSecurityGroupId)],
            targetClusterArn: kafka.clusterArn,
            targetSubnetIds: privateSubnetIds,
            targetSecurityGroupIds: [kafka.securityGroup.id],
            topics,
            // Active-passive consumers read the same topic names wherever they run; active-active keeps the source prefix so the mirrors never loop.
            identicalTopicNames: !activeActive,
          });
          return [source, replicator, sourceState.getString(REGION_OUTPUTS.kafkaClusterArn)] as const;
        })
      : [];

    const buckets = dataSets('s3').map((dataSet) => {
      const destinations = replicationTargets(dataSet, region, peers);
      return [
        dataSet,
        new ReplicatedBucket(this, `bucket-${dataSet.name}`, {
          bucketName: regionalName(dataSet),
          awsRegion: region.awsRegion,
          kmsKeyArn,
          destinations: destinations.map((peer) => ({ awsRegion: peer.awsRegion, bucketName: dataSetResourceName(global, dataSet, peer), kmsKeyArn: peerKeyArn(peer) })),
          replicationTimeControl: dataSet.rpoSeconds <= RTC_SECONDS,
          accessLogBucketName: logs.bucket.bucket,
        }),
        destinations,
      ] as const;
    });

    new BackupPlan(this, 'backup', {
      name,
      kmsKeyArn,
      resourceArns: [...databases.map(([, database]) => database.clusterArn), ...buckets.map(([, bucket]) => bucket.bucketArn)],
      copyToVaultArns: peers.map((peer) => `arn:${partition.partition}:backup:${peer.awsRegion}:${account.accountId}:backup-vault:${global.name}-${peer.id}`),
      schedule: global.infrastructure.backup.schedule,
      retentionDays: global.infrastructure.backup.retentionDays,
      copyRetentionDays: global.infrastructure.backup.retentionDays,
    });

    const alarms = new RegionalAlarms(this, 'alarms', {
      name,
      awsRegion: region.awsRegion,
      kmsKeyArn,
      auroraGlobalDatabases:
        region.role === 'secondary' ? databases.map(([dataSet]) => ({ clusterIdentifier: regionalName(dataSet), lagAlertSeconds: dataSet.lagAlertSeconds })) : [],
      cacheReplicationGroups:
        region.role === 'secondary' ? caches.map(([dataSet, cache]) => ({ replicationGroupId: regionalName(dataSet), memberClusterIds: cache.memberClusterIds, lagAlertSeconds: dataSet.lagAlertSeconds })) : [],
      kafkaReplicators: replicators.map(([source]) => ({
        replicatorName: replicatorName(source),
        lagAlertSeconds: Math.min(...kafkaDataSets.map((dataSet) => dataSet.lagAlertSeconds)),
      })),
      s3Replications: buckets.flatMap(([dataSet, , destinations]) =>
        destinations.map((peer) => ({
          sourceBucket: regionalName(dataSet),
          destinationBucket: dataSetResourceName(global, dataSet, peer),
          ruleId: `to-${peer.awsRegion}`,
          lagAlertSeconds: dataSet.lagAlertSeconds,
        })),
      ),
    });

    // The same replications against each data set's RPO: what the chaos experiments may not push any further.
    // A direction with nothing to watch gets no alarms, and so no topic or dashboard either. They serve only as
    // stop conditions, so a lag metric silenced by the experiment's own failover does not stop it.
    const beyondRpo = (of: 'into' | 'toward', signals: Pick<RegionalAlarmsProps, 'auroraGlobalDatabases' | 'cacheReplicationGroups' | 'kafkaReplicators' | 's3Replications'>) =>
      Object.values(signals).some((list: readonly unknown[] | undefined) => (list?.length ?? 0) > 0)
        ? new RegionalAlarms(this, `rpo-${of}`, { name: `${name}-rpo-${of}`, awsRegion: region.awsRegion, kmsKeyArn, evaluationMinutes: 1, missingData: 'notBreaching', ...signals }).alarms
        : [];
    const rpoOf = (dataSet: DataSet) => dataSet.rpoSeconds;
    const lagInto = beyondRpo('into', {
      auroraGlobalDatabases: region.role === 'secondary' ? databases.map(([dataSet]) => ({ clusterIdentifier: regionalName(dataSet), lagAlertSeconds: rpoOf(dataSet) })) : [],
      cacheReplicationGroups: region.role === 'secondary' ? caches.map(([dataSet, cache]) => ({ replicationGroupId: regionalName(dataSet), memberClusterIds: cache.memberClusterIds, lagAlertSeconds: rpoOf(dataSet) })) : [],
      kafkaReplicators: replicators.map(([source]) => ({ replicatorName: replicatorName(source), lagAlertSeconds: Math.min(...kafkaDataSets.map(rpoOf)) })),
    });
    const lagToward = beyondRpo('toward', {
      s3Replications: buckets.flatMap(([dataSet, , destinations]) =>
        destinations.map((peer) => ({ sourceBucket: regionalName(dataSet), destinationBucket: dataSetResourceName(global, dataSet, peer), ruleId: `to-${peer.awsRegion}`, lagAlertSeconds: rpoOf(dataSet) })),
      ),
    });
    const chaos = this.chaosExperiments({ lagInto, lagToward, model, region, peers, name, kmsKeyArn, eks, entry, alarms, loadBalancer, databases, replicators, buckets, kafka, partition, account });
    // The pod actions reach the cluster as the user FisExperimentAccess binds in the entry app's namespace.
    new FisClusterAccess(this, 'fis-cluster-access', { clusterName: eks.clusterName, roleArn: chaos.role.arn, userName: FIS_KUBERNETES_USER });

    const workloadRoles = apps.map((app) => [app, this.workloadRole(app, eks, { databases, caches, kafka, buckets, model, region, account, partition })] as const);
    this.reconciliationRole(eks, { databases, caches, kafka, buckets, model, region, account, partition });

    publish(this, REGION_OUTPUTS.vpcId, this.network.vpc.id, 'VPC the peering connections attach to');
    publish(this, REGION_OUTPUTS.privateRouteTableIds, this.network.routeTables.private.map((table) => table.id), 'Route tables of the private subnets; peering adds routes to them');
    publish(this, REGION_OUTPUTS.databaseRouteTableIds, this.network.routeTables.database.map((table) => table.id), 'Route tables of the database subnets; peering adds routes to them');
    publish(this, REGION_OUTPUTS.clusterName, eks.clusterName, 'EKS cluster Argo CD deploys this region to');
    publish(this, REGION_OUTPUTS.clusterEndpoint, eks.endpoint, 'Private API endpoint of the EKS cluster');
    publish(this, REGION_OUTPUTS.clusterCertificateAuthority, eks.certificateAuthority, 'Base64 CA bundle of the EKS API');
    publish(this, REGION_OUTPUTS.loadBalancerArn, loadBalancer.arn, 'Public load balancer; Global Accelerator endpoint');
    publish(this, REGION_OUTPUTS.loadBalancerDnsName, loadBalancer.dnsName, 'Public load balancer DNS name');
    publish(this, REGION_OUTPUTS.targetGroupArn, loadBalancer.targetGroupArn, `Target group the ${entry.app.name} TargetGroupBinding registers pods in`);
    publish(this, REGION_OUTPUTS.webAclArn, webAcl.arn, 'WAF web ACL protecting the public load balancer');
    if (kafka) {
      publish(this, REGION_OUTPUTS.kafkaClusterArn, kafka.clusterArn, 'MSK cluster; source of the peers’ replicators');
      publish(this, REGION_OUTPUTS.kafkaBootstrapBrokers, kafka.bootstrapBrokersIam, 'Kafka bootstrap brokers (IAM auth over TLS)');
      publish(this, REGION_OUTPUTS.kafkaSubnetIds, privateSubnetIds, 'Subnets of the MSK brokers, for replicators in other regions');
      publish(this, REGION_OUTPUTS.kafkaSecurityGroupId, kafka.securityGroup.id, 'Security group of the MSK brokers, for replicators in other regions');
    }
    for (const [dataSet, database] of databases) {
      publish(this, REGION_OUTPUTS.databaseWriterEndpoint(dataSet.name), database.writerEndpoint, `${dataSet.name} writer endpoint (only the primary's accepts writes)`);
      publish(this, REGION_OUTPUTS.databaseReaderEndpoint(dataSet.name), database.readerEndpoint, `${dataSet.name} reader endpoint in this region`);
    }
    for (const [dataSet, cache] of caches) {
      publish(this, REGION_OUTPUTS.cacheEndpoint(dataSet.name), cache.endpoint, `${dataSet.name} Redis configuration endpoint`);
      if (region.id === primary.id) publish(this, REGION_OUTPUTS.cacheGlobalReplicationGroupId(dataSet.name), cache.globalReplicationGroupId, `${dataSet.name} global datastore the secondaries join`);
    }
    for (const [dataSet, bucket] of buckets) publish(this, REGION_OUTPUTS.bucketName(dataSet.name), bucket.bucket.bucket, `${dataSet.name} bucket in this region`);
    for (const [app, role] of workloadRoles) publish(this, REGION_OUTPUTS.workloadRoleArn(app.name), role.roleArn, `IRSA role of the ${app.name} service account`);
  }

  /**
   * The region's FIS experiments, one per scenario it has targets for, and the SSM Automation documents
   * they run: the Aurora failover where this region holds the writers, the replicator pause where
   * replicators write into this region.
   */
  private chaosExperiments(context: ChaosContext): FisExperiments {
    const { model, region, peers, name, kmsKeyArn, eks, entry, alarms, loadBalancer, databases, replicators, buckets, kafka, partition, account, lagInto, lagToward } = context;
    const { global } = model;
    const successor = peers.find((peer) => peer.role === 'secondary');
    const globalClusters =
      region.role === 'primary' && successor
        ? databases.map(([dataSet, database]) => ({
            dataSet: dataSet.name,
            globalClusterIdentifier: database.globalClusterIdentifier,
            targetClusterArn: `arn:${partition.partition}:rds:${successor.awsRegion}:${account.accountId}:cluster:${dataSetResourceName(global, dataSet, successor)}`,
          }))
        : [];
    const replicatorPauses = kafka
      ? replicators.map(([, replicator, sourceClusterArn]) => ({ replicatorArn: replicator.replicator.arn, sourceClusterArn, targetClusterArn: kafka.clusterArn }))
      : [];
    const documents =
      globalClusters.length || replicatorPauses.length ? new SsmAutomationDocuments(this, 'fault-automation', { name, globalClusters, replicators: replicatorPauses }) : undefined;
    return new FisExperiments(this, 'chaos', {
      name,
      roleName: fisExperimentRoleName(global, region),
      awsRegion: region.awsRegion,
      kmsKeyArn,
      alarmTopicArn: alarms.topicArn,
      scenarios: SCENARIO_IDS.map((id) => SCENARIOS[id]),
      targets: {
        subnetArns: this.network.subnets.private.map((subnet) => subnet.arn),
        peerAwsRegions: peers.map((peer) => peer.awsRegion),
        buckets: buckets.map(([, bucket, destinations]) => ({ arn: bucket.bucketArn, destinationAwsRegions: destinations.map((peer) => peer.awsRegion) })),
        nodeGroupTags: { project: global.name, stack: region.id },
        cluster: { name: eks.clusterName, namespace: entry.app.name, app: entry.app.name, serviceAccount: FIS_SERVICE_ACCOUNT },
        ...(documents ? { automation: { documents, globalClusterFailovers: globalClusters, replicatorPauses } } : {}),
      },
      lagTowardPeersBeyondRpo: lagToward.map((alarm) => ({ alarmName: alarm.alarmName, arn: alarm.arn })),
      lagIntoRegionBeyondRpo: lagInto.map((alarm) => ({ alarmName: alarm.alarmName, arn: alarm.arn })),
      peerStopAlarmArns: peers.flatMap((peer) => {
        const alarm = (alarmName: string) => `arn:${partition.partition}:cloudwatch:${peer.awsRegion}:${account.accountId}:alarm:${alarmName}`;
        const prefix = regionResourceName(global, peer);
        return [alarm(errorRateAlarmName(prefix)), ...(lagsInto(model, peer) ? [alarm(lagIntoBeyondRpoAlarmName(prefix))] : [])];
      }),
      errorRate: { loadBalancerArnSuffix: loadBalancer.loadBalancer.arnSuffix, thresholdPercent: global.slo.errorRatePercent },
      faultMinutes: global.slo.rtoMinutes,
      podLatencyMilliseconds: global.slo.crossRegionP95LatencyMs,
    });
  }

  /** The app's IRSA role: exactly the data-plane actions on the data sets it names, in this region. */
  private workloadRole(app: App, eks: EksCluster, context: WorkloadContext): WorkloadRole {
    const { databases, caches, kafka, buckets, model, region, account, partition } = context;
    const uses = (dataSet: DataSet) => app.dataSets.includes(dataSet.name);
    const arn = (service: string, resource: string) => `arn:${partition.partition}:${service}:${region.awsRegion}:${account.accountId}:${resource}`;
    const statements = [
      ...databases.filter(([dataSet]) => uses(dataSet)).map(([dataSet, database]) => ({
        sid: `Connect${pascal(dataSet.name)}`,
        actions: ['rds-db:connect'],
        resources: [arn('rds-db', `dbuser:${database.clusterResourceId}/${app.name}`)],
      })),
      ...caches.filter(([dataSet]) => uses(dataSet)).map(([dataSet, cache]) => ({
        sid: `Connect${pascal(dataSet.name)}`,
        actions: ['elasticache:Connect'],
        resources: [cache.replicationGroup.arn, ...cache.userArns],
      })),
      ...(kafka && model.replication.dataSets.some((dataSet) => dataSet.store === 'kafka' && uses(dataSet))
        ? [
            { sid: 'ConnectKafka', actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'], resources: [kafka.clusterArn] },
            {
              sid: 'UseTopics',
              actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData', 'kafka-cluster:WriteData'],
              resources: model.replication.dataSets
                .filter((dataSet) => dataSet.store === 'kafka' && uses(dataSet))
                .flatMap((dataSet) => dataSet.topics ?? [])
                .map((topic) => kafka.topicArn(topic)),
            },
            { sid: 'UseOwnConsumerGroups', actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'], resources: [kafka.groupArn(`${app.name}-*`)] },
          ]
        : []),
      ...buckets.filter(([dataSet]) => uses(dataSet)).flatMap(([dataSet, bucket]) => [
        { sid: `List${pascal(dataSet.name)}`, actions: ['s3:ListBucket'], resources: [bucket.bucketArn] },
        { sid: `ReadWrite${pascal(dataSet.name)}`, actions: ['s3:GetObject', 's3:PutObject'], resources: [`${bucket.bucketArn}/*`] },
      ]),
    ];
    return new WorkloadRole(this, `workload-${app.name}`, {
      name: workloadRoleName(model.global, region, app),
      oidcProviderArn: eks.oidcProviderArn,
      oidcIssuer: eks.oidcIssuer,
      namespace: app.name,
      serviceAccount: app.name,
      statements: statements.filter((statement) => statement.resources.length > 0),
    });
  }

  /**
   * The reconciliation Jobs' IRSA role: read-only calls on this region's and the peers' copies of the data
   * sets the Jobs compare, by the names every stack gives them; exact ARNs and ids for this region's.
   */
  private reconciliationRole(eks: EksCluster, context: WorkloadContext): ReconciliationRole {
    const { databases, caches, kafka, model, region, account, partition } = context;
    const { global } = model;
    const reconciled = reconciledDataSets(model);
    const own = (where: Region) => where.id === region.id;
    const everywhere = (store: DataSet['store']) => reconciled.filter((dataSet) => dataSet.store === store).flatMap((dataSet) => model.regions.map((where) => [dataSet, where] as const));
    const topics = [...new Set(reconciled.filter((dataSet) => dataSet.store === 'kafka').flatMap((dataSet) => dataSet.topics ?? []))];
    return new ReconciliationRole(this, 'reconciliation', {
      name: reconciliationRoleName(global, region),
      oidcProviderArn: eks.oidcProviderArn,
      oidcIssuer: eks.oidcIssuer,
      awsRegion: region.awsRegion,
      partition: partition.partition,
      accountId: account.accountId,
      databases: everywhere('aurora').map(([dataSet, where]) => ({
        awsRegion: where.awsRegion,
        clusterIdentifier: dataSetResourceName(global, dataSet, where),
        ...(own(where) ? { clusterResourceId: databases.find(([candidate]) => candidate === dataSet)![1].clusterResourceId } : {}),
      })),
      buckets: everywhere('s3').map(([dataSet, where]) => dataSetResourceName(global, dataSet, where)),
      kafkaClusters:
        kafka && topics.length
          ? model.regions.map((where) => ({ awsRegion: where.awsRegion, clusterName: regionResourceName(global, where), topics, ...(own(where) ? { clusterArn: kafka.clusterArn } : {}) }))
          : [],
      caches: everywhere('redis').map(([dataSet, where]) => ({
        awsRegion: where.awsRegion,
        replicationGroupId: dataSetResourceName(global, dataSet, where),
        ...(own(where) ? { userGroup: caches.find(([candidate]) => candidate === dataSet)![1] } : {}),
      })),
    });
  }
}

interface ChaosContext {
  lagInto: readonly CloudwatchMetricAlarm[];
  lagToward: readonly CloudwatchMetricAlarm[];
  model: Model;
  region: Region;
  peers: readonly Region[];
  name: string;
  kmsKeyArn: string;
  eks: EksCluster;
  entry: { app: App; port: number };
  alarms: RegionalAlarms;
  loadBalancer: PublicLoadBalancer;
  databases: ReadonlyArray<readonly [DataSet, AuroraGlobalDatabase]>;
  replicators: ReadonlyArray<readonly [Region, KafkaReplicator, string]>;
  buckets: ReadonlyArray<readonly [DataSet, ReplicatedBucket, readonly Region[]]>;
  kafka: KafkaCluster | undefined;
  account: DataAwsCallerIdentity;
  partition: DataAwsPartition;
}

interface WorkloadContext {
  databases: ReadonlyArray<readonly [DataSet, AuroraGlobalDatabase]>;
  caches: ReadonlyArray<readonly [DataSet, CacheGlobalDatastore]>;
  kafka: KafkaCluster | undefined;
  buckets: ReadonlyArray<readonly [DataSet, ReplicatedBucket, readonly Region[]]>;
  model: Model;
  region: Region;
  account: DataAwsCallerIdentity;
  partition: DataAwsPartition;
}

/**
 * Whether anything replicates into `region` that its stack alarms on beyond the RPO: the lag-into alarms
 * above, decided from the model so a peer's stack knows the composite exists without reading its state.
 */
function lagsInto(model: Model, region: Region): boolean {
  const secondaryCopies = region.role === 'secondary' && model.replication.dataSets.some((dataSet) => dataSet.store === 'aurora' || dataSet.store === 'redis');
  return secondaryCopies || kafkaMirrorsInto(model, region).length > 0;
}

const pascal = (name: string) => name.replace(/(^|-)([a-z0-9])/g, (_, __, letter: string) => letter.toUpperCase());
