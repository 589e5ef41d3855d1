import { Fn, TerraformStack, Token } from 'cdktn';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { DataAwsArcregionswitchRoute53HealthChecks } from '@cdktn/provider-aws/lib/data-aws-arcregionswitch-route53-health-checks';
import { DataAwsIamPolicyDocument } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsRoute53Zone } from '@cdktn/provider-aws/lib/data-aws-route53-zone';
import { EksAccessEntry } from '@cdktn/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktn/provider-aws/lib/eks-access-policy-association';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import type { Construct } from 'constructs';
import { primaryRegion, regionsOfApp, type Model, type Region } from '../../schemas';
import { GlobalAccelerator } from './global-accelerator';
import { RegionPeering } from './region-peering';
import { RegionSwitchPlan } from './region-switch-plan';
import { REGION_OUTPUTS, remoteStack } from './stack-outputs';
import { useStateBackend } from './state-backend';
import { TrafficRouting } from './traffic-routing';
import { callerIdentity, partitionOf } from './aws-context';
import { auroraGlobalClusterId, dataSetResourceName, regionResourceName, REGION_SWITCH_SCALING_POLICY, regionSwitchPlanName, stackRoleBoundaryArn, stackRolePath } from '../names';
import { confineStackRoles, stackRoleConfig } from './stack-roles';
import { defaultTags } from './default-tags';
import { terraformLiteral } from './terraform-literal';

export interface GlobalStackProps {
  readonly model: Model;
}

/**
 * What spans regions: the DNS record users resolve and the health checks that steer it, the
 * accelerator, the peering between the regions' networks, and the Region switch plan that runs a failover. It reads the region stacks' outputs from their state, so it is applied after them.
 */
export class GlobalStack extends TerraformStack {
  readonly traffic: TrafficRouting;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    super(scope, id);
    const { model } = props;
    const { global } = model;
    const primary = primaryRegion(model);
    const tags = defaultTags({ project: global.name, stack: id, scope: 'global', 'managed-by': 'terraform' });
    new AwsProvider(this, 'aws', { region: primary.awsRegion, allowedAccountIds: [global.infrastructure.accountId], defaultTags: tags });
    // Peering has a requester and an accepter side, each managed through its own region's API.
    const providers = new Map<string, AwsProvider>(
      model.regions.map((region) => [region.id, new AwsProvider(this, `aws-${region.id}`, { alias: region.id, region: region.awsRegion, allowedAccountIds: [global.infrastructure.accountId], defaultTags: tags })]),
    );
    useStateBackend(this, global.terraformState, id);
    const account = callerIdentity(this);
    const partition = partitionOf(this);
    confineStackRoles(this, { path: stackRolePath(global, id), permissionsBoundary: stackRoleBoundaryArn(global, partition.partition, account.accountId) });
    const states = new Map(model.regions.map((region) => [region.id, remoteStack(this, `state-${region.id}`, global.terraformState, region.id)]));
    const state = (region: Region) => states.get(region.id)!;

    if (global.infrastructure.globalAccelerator) {
      new GlobalAccelerator(this, 'accelerator', {
        name: global.name,
        endpoints: model.regions.map((region) => ({
          id: region.id,
          awsRegion: region.awsRegion,
          loadBalancerArn: state(region).getString(REGION_OUTPUTS.loadBalancerArn),
          weight: region.traffic.weight,
          healthCheckPath: region.healthCheck.path,
        })),
      });
    }

    for (const [index, requester] of model.regions.entries()) {
      for (const accepter of model.regions.slice(index + 1)) {
        const side = (region: Region) => ({
          awsRegion: region.awsRegion,
          provider: providers.get(region.id)!,
          vpcId: state(region).getString(REGION_OUTPUTS.vpcId),
          cidr: region.network.vpcCidr,
          routeTableIds: [
            ...routeTableIds(state(region).getList(REGION_OUTPUTS.privateRouteTableIds), region),
            ...routeTableIds(state(region).getList(REGION_OUTPUTS.databaseRouteTableIds), region),
          ],
        });
        new RegionPeering(this, `peering-${requester.id}-${accepter.id}`, { requester: side(requester), accepter: side(accepter) });
      }
    }

    const zone = new DataAwsRoute53Zone(this, 'zone', { name: global.dns.zone, privateZone: false });
    const arn = (service: string, region: Region, resource: string) => `arn:${partition.partition}:${service}:${region.awsRegion}:${account.accountId}:${resource}`;
    const planName = regionSwitchPlanName(global);
    const approver = new IamRole(this, 'failover-approver', {
      name: `${planName}-approver`,
      ...stackRoleConfig(this),
      description: `The CAB member approving a run of ${planName} assumes this role, with MFA`,
      maxSessionDuration: 3600,
      assumeRolePolicy: new DataAwsIamPolicyDocument(this, 'failover-approver-trust', {
        statement: [
          {
            actions: ['sts:AssumeRole'],
            principals: [{ type: 'AWS', identifiers: [`arn:${partition.partition}:iam::${account.accountId}:root`] }],
            condition: [{ test: 'Bool', variable: 'aws:MultiFactorAuthPresent', values: ['true'] }],
          },
        ],
      }).json,
    });
    const plan = new RegionSwitchPlan(this, 'region-switch', {
      name: planName,
      primaryRegion: primary.awsRegion,
      secondaryRegions: model.regions.filter((region) => region.id !== primary.id).map((region) => region.awsRegion),
      recoveryApproach: 'activePassive',
      recoveryTimeObjectiveMinutes: global.slo.rtoMinutes,
      approval: { approverRoleArn: approver.arn },
      eksClusters: model.regions.map((region) => ({ region: region.awsRegion, clusterArn: arn('eks', region, `cluster/${global.name}-${region.id}`) })),
      eksWorkloads: model.apps.map((app) => ({ namespace: app.name, name: app.name, hpaName: app.name })),
      auroraGlobalDatabases: model.replication.dataSets
        .filter((dataSet) => dataSet.store === 'aurora')
        .map((dataSet) => ({
          globalClusterIdentifier: auroraGlobalClusterId(global, dataSet),
          clusters: model.regions.map((region) => ({ region: region.awsRegion, clusterArn: arn('rds', region, `cluster:${dataSetResourceName(global, dataSet, region)}`) })),
        })),
      trafficShift: {
        hostedZoneId: zone.zoneId,
        recordName: `${global.dns.record}.${global.dns.zone}`,
        recordSets: model.regions.map((region) => ({ region: region.awsRegion, recordSetIdentifier: region.id })),
      },
    });
    // Region switch creates a health check per record entry and turns it unhealthy to move traffic away; each record must carry it.
    const switchChecks = new DataAwsArcregionswitchRoute53HealthChecks(this, 'region-switch-health-checks', { planArn: plan.plan.arn });
    const switchCheck = (region: Region) =>
      `\${one([for check in ${switchChecks.fqn}.health_checks : check.health_check_id if check.region == "${terraformLiteral(region.awsRegion)}"])}`;
    this.traffic = new TrafficRouting(this, 'traffic', {
      zone: global.dns.zone,
      record: global.dns.record,
      hostedZoneId: zone.zoneId,
      routing: model.regions[0]!.traffic.routing,
      endpoints: model.regions.map((region) => ({
        id: region.id,
        awsRegion: region.awsRegion,
        role: region.role,
        fqdn: `${region.dns.regionalRecord}.${region.dns.zone}`,
        weight: region.traffic.weight,
        ttlSeconds: region.dns.ttlSeconds,
        healthCheck: region.healthCheck,
      })),
      switchHealthCheckIds: Object.fromEntries(model.regions.map((region) => [region.id, switchCheck(region)])),
    });

    new IamRolePolicy(this, 'failover-approver-policy', {
      name: 'approve-failover',
      role: approver.id,
      policy: new DataAwsIamPolicyDocument(this, 'failover-approver-permissions', {
        statement: [{ actions: ['arc-region-switch:ApprovePlanExecutionStep', 'arc-region-switch:GetPlanExecution', 'arc-region-switch:GetPlan'], resources: [plan.plan.arn] }],
      }).json,
    });

    // The plan scales the apps' workloads through the Kubernetes API, so its role needs an access entry in every cluster, limited to the apps' namespaces.
    for (const region of model.regions) {
      const provider = providers.get(region.id)!;
      const clusterName = regionResourceName(global, region);
      const entry = new EksAccessEntry(this, `region-switch-access-${region.id}`, { provider, clusterName, principalArn: plan.executionRoleArn, type: 'STANDARD' });
      new EksAccessPolicyAssociation(this, `region-switch-scaling-${region.id}`, {
        provider,
        clusterName,
        principalArn: entry.principalArn,
        policyArn: `arn:${partition.partition}:eks::aws:cluster-access-policy/${REGION_SWITCH_SCALING_POLICY}`,
        accessScope: { type: 'namespace', namespaces: model.apps.filter((app) => regionsOfApp(model, app).includes(region)).map((app) => app.name) },
      });
    }
  }
}

/** One route table per availability zone and tier; the count is the model's, the ids are the region stack's. */
function routeTableIds(ids: string[], region: Region): string[] {
  return Array.from({ length: region.network.availabilityZones }, (_, index) => Token.asString(Fn.element(ids, index)));
}
