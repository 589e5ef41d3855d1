import { Fn, TerraformOutput } from 'cdktn';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch } from '../../tests/helpers/scratch-stack';
import { AuroraGlobalDatabase, type AuroraGlobalDatabaseProps } from './aurora-global-database';

const KEY = 'arn:aws:kms:us-east-1:111111111111:key/regional';
const primary: AuroraGlobalDatabaseProps = {
  name: 'orders-orders-db-us-east-1',
  globalClusterIdentifier: 'orders-orders-db',
  role: 'primary',
  instanceClass: 'db.r6g.large',
  instances: 2,
  kmsKeyArn: KEY,
  vpcId: 'vpc-1',
  subnetIds: ['subnet-a', 'subnet-b'],
  clientCidrs: ['10.10.10.0/24', '10.10.11.0/24'],
};
const secondary: AuroraGlobalDatabaseProps = { ...primary, name: 'orders-orders-db-us-west-2', role: 'secondary', instances: 1 };

function synth(props: AuroraGlobalDatabaseProps) {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const database = new AuroraGlobalDatabase(stack, 'db', props);
  new TerraformOutput(stack, 'resource-id', { value: database.clusterResourceId });
  const json = synthScratch(stack);
  const [cluster] = resourcesOf(json, 'aws_rds_cluster');
  return { json, cluster: cluster! };
}

describe('AuroraGlobalDatabase', () => {
  it('creates an encrypted, deletion-protected global cluster in the primary region and joins the writer to it', () => {
    const { json, cluster } = synth(primary);
    expect(resourcesOf(json, 'aws_rds_global_cluster')).toEqual([
      expect.objectContaining({ global_cluster_identifier: 'orders-orders-db', engine: 'aurora-postgresql', engine_version: '16.6', storage_encrypted: true, deletion_protection: true }),
    ]);
    expect(cluster.global_cluster_identifier).toMatch(/^\$\{aws_rds_global_cluster\.[\w-]+\.id\}$/);
  });

  it('joins a secondary to the global database by identifier, without creating one', () => {
    const { json, cluster } = synth(secondary);
    expect(resourcesOf(json, 'aws_rds_global_cluster')).toEqual([]);
    expect(cluster).toMatchObject({ global_cluster_identifier: 'orders-orders-db', kms_key_id: KEY, storage_encrypted: true });
  });

  it('leaves master credentials to RDS in Secrets Manager on the primary and off a secondary', () => {
    expect(synth(primary).cluster).toMatchObject({ master_username: 'postgres', manage_master_user_password: true, master_user_secret_kms_key_id: KEY });
    expect(synth(primary).cluster).not.toHaveProperty('master_password');
    const { cluster } = synth(secondary);
    for (const attribute of ['master_username', 'master_password', 'manage_master_user_password', 'master_user_secret_kms_key_id']) {
      expect(cluster).not.toHaveProperty(attribute);
    }
  });

  it('encrypts, protects, backs up and audits the cluster in every region', () => {
    for (const props of [primary, secondary]) {
      expect(synth({ ...props, backupRetentionDays: 14 }).cluster).toMatchObject({
        storage_encrypted: true,
        kms_key_id: KEY,
        deletion_protection: true,
        backup_retention_period: 14,
        preferred_backup_window: expect.any(String),
        copy_tags_to_snapshot: true,
        iam_database_authentication_enabled: true,
        enabled_cloudwatch_logs_exports: ['postgresql'],
        skip_final_snapshot: false,
        final_snapshot_identifier: `${props.name}-final`,
      });
    }
  });

  it('admits clients on 5432 from the client networks only and opens no egress', () => {
    const { json, cluster } = synth(primary);
    const [group] = resourcesOf(json, 'aws_security_group');
    expect(group).not.toHaveProperty('egress');
    expect(resourcesOf(json, 'aws_vpc_security_group_egress_rule')).toEqual([]);
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule')).toEqual(
      primary.clientCidrs.map((cidr) => expect.objectContaining({ cidr_ipv4: cidr, ip_protocol: 'tcp', from_port: 5432, to_port: 5432, description: expect.any(String) })),
    );
    expect(cluster.vpc_security_group_ids).toEqual([expect.stringMatching(/^\$\{aws_security_group\./)]);
  });

  it('refuses connections without TLS', () => {
    const { json, cluster } = synth(primary);
    const [parameters] = resourcesOf(json, 'aws_rds_cluster_parameter_group');
    expect(parameters).toMatchObject({ family: 'aurora-postgresql16', parameter: expect.arrayContaining([{ name: 'rds.force_ssl', value: '1' }]) });
    expect(cluster.db_cluster_parameter_group_name).toMatch(/^\$\{aws_rds_cluster_parameter_group\./);
  });

  it('runs private instances with encrypted Performance Insights and Enhanced Monitoring', () => {
    const { json } = synth(primary);
    const instances = resourcesOf(json, 'aws_rds_cluster_instance');
    expect(instances).toHaveLength(2);
    for (const instance of instances) {
      expect(instance).toMatchObject({
        instance_class: 'db.r6g.large',
        publicly_accessible: false,
        auto_minor_version_upgrade: true,
        performance_insights_enabled: true,
        performance_insights_kms_key_id: KEY,
        performance_insights_retention_period: 7,
        monitoring_interval: 60,
        monitoring_role_arn: expect.stringMatching(/^\$\{aws_iam_role\./),
      });
    }
    expect(resourcesOf(json, 'aws_iam_role_policy_attachment')).toEqual([
      expect.objectContaining({ policy_arn: expect.stringMatching(/:iam::aws:policy\/service-role\/AmazonRDSEnhancedMonitoringRole$/) }),
    ]);
  });

  it('allows a headless secondary with no instances', () => {
    expect(resourcesOf(synth({ ...secondary, instances: 0 }).json, 'aws_rds_cluster_instance')).toEqual([]);
  });

  it('exports PostgreSQL logs to a log group encrypted with the regional key and kept a year', () => {
    const { json, cluster } = synth(primary);
    expect(resourcesOf(json, 'aws_cloudwatch_log_group')).toEqual([
      expect.objectContaining({ name: '/aws/rds/cluster/orders-orders-db-us-east-1/postgresql', kms_key_id: KEY, retention_in_days: 365 }),
    ]);
    expect(cluster.depends_on).toEqual([expect.stringMatching(/^aws_cloudwatch_log_group\./)]);
  });

  it('exposes the cluster resource id that IAM database authentication policies name', () => {
    expect(synth(primary).json.output?.['resource-id']?.value).toMatch(/^\$\{aws_rds_cluster\.[\w-]+\.cluster_resource_id\}$/);
  });

  it('accepts client networks known only at apply time, such as subnet CIDR references', () => {
    const { json } = synth({ ...primary, clientCidrs: [Fn.cidrsubnet('10.10.0.0/16', 8, 10)] });
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule')).toEqual([expect.objectContaining({ cidr_ipv4: '${cidrsubnet("10.10.0.0/16", 8, 10)}' })]);
  });
});
