import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synth, type GeneratedFiles } from '../modules/synth';
import versions from '../policies/toolchain/versions.json' with { type: 'json' };
import { edit, exampleRepo, modelAt, REPO_ROOT, removeScratchRepos } from './helpers/example-repo';
import { scratchStack } from './helpers/scratch-stack';

// Security and resilience properties read off the generated Terraform JSON itself, the same bytes
// Terraform applies, never off constructor arguments.

type Block = Record<string, any>;
type Stack = { resource: Record<string, Record<string, Block>>; data?: Record<string, Record<string, Block>>; terraform: Block; output?: Record<string, Block> };
type Resource = { stack: string; type: string; name: string; address: string; config: Block };

function stacksOf(files: GeneratedFiles): Map<string, Stack> {
  const stacks = new Map<string, Stack>();
  for (const [file, text] of files) {
    const match = /^terraform\/([^/]+)\/cdk\.tf\.json$/.exec(file);
    if (match) stacks.set(match[1]!, JSON.parse(text) as Stack);
  }
  return stacks;
}

function resources(stacks: Map<string, Stack>, type: string): Resource[] {
  return [...stacks].flatMap(([stack, json]) =>
    Object.entries(json.resource[type] ?? {}).map(([name, config]) => ({ stack, type, name, address: `${type}.${name}`, config })),
  );
}

/** The resources of a type in the same stack whose `attribute` refers to the target (by id or by name). */
function attached(stacks: Map<string, Stack>, target: Resource, type: string, attribute: string): Resource[] {
  const references = ['id', 'bucket'].map((property) => `\${${target.address}.${property}}`);
  return resources(stacks, type).filter((candidate) => candidate.stack === target.stack && references.includes(candidate.config[attribute]));
}

let files: GeneratedFiles;
let stacks: Map<string, Stack>;

beforeAll(async () => {
  files = synth(await modelAt(REPO_ROOT));
  stacks = stacksOf(files);
});
afterAll(removeScratchRepos);

describe('generated infrastructure', () => {
  it('encrypts, versions, blocks public access to and replicates every bucket', () => {
    const buckets = resources(stacks, 'aws_s3_bucket');
    expect(buckets.length).toBeGreaterThan(0);
    for (const bucket of buckets) {
      const where = `${bucket.stack}: ${bucket.address}`;
      const encryption = attached(stacks, bucket, 'aws_s3_bucket_server_side_encryption_configuration', 'bucket');
      expect(encryption, where).toHaveLength(1);
      const algorithm = encryption[0]!.config.rule[0].apply_server_side_encryption_by_default.sse_algorithm;
      expect(['aws:kms', 'AES256'], where).toContain(algorithm);
      expect(attached(stacks, bucket, 'aws_s3_bucket_versioning', 'bucket')[0]?.config.versioning_configuration, where).toEqual({ status: 'Enabled' });
      expect(attached(stacks, bucket, 'aws_s3_bucket_public_access_block', 'bucket')[0]?.config, where).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(attached(stacks, bucket, 'aws_s3_bucket_replication_configuration', 'bucket'), where).toHaveLength(1);
    }
  });

  it('encrypts every data-set bucket with the region key and replicates it to its peer region', () => {
    for (const [region, peer] of [['us-east-1', 'us-west-2'], ['us-west-2', 'us-east-1']] as const) {
      const [bucket] = resources(stacks, 'aws_s3_bucket').filter((b) => b.stack === region && b.config.bucket === `orders-order-documents-${region}`);
      expect(bucket, `orders-order-documents-${region}`).toBeDefined();
      const [encryption] = attached(stacks, bucket!, 'aws_s3_bucket_server_side_encryption_configuration', 'bucket');
      expect(encryption!.config.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
      const [replication] = attached(stacks, bucket!, 'aws_s3_bucket_replication_configuration', 'bucket');
      expect(replication!.config.rule.map((rule: Block) => rule.destination.bucket)).toEqual([expect.stringMatching(new RegExp(`:s3:::orders-order-documents-${peer}$`))]);
      expect(replication!.config.rule[0].destination.encryption_configuration.replica_kms_key_id).toMatch(new RegExp(`:kms:${peer}:.*:alias/orders-${peer}$`));
    }
  });

  it('encrypts and deletion-protects every Aurora cluster and the global database', () => {
    const clusters = resources(stacks, 'aws_rds_cluster');
    expect(clusters.map((c) => c.stack).sort()).toEqual(['us-east-1', 'us-west-2']);
    for (const cluster of clusters) {
      expect(cluster.config, `${cluster.stack}: ${cluster.address}`).toMatchObject({ storage_encrypted: true, deletion_protection: true, iam_database_authentication_enabled: true });
      expect(cluster.config.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
      expect(cluster.config.global_cluster_identifier).toBeDefined();
    }
    const globals = resources(stacks, 'aws_rds_global_cluster');
    expect(globals.map((g) => [g.stack, g.config.global_cluster_identifier, g.config.deletion_protection])).toEqual([['us-east-1', 'orders-orders-db', true]]);
  });

  it('rotates every KMS key', () => {
    const keys = resources(stacks, 'aws_kms_key');
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys) expect(key.config.enable_key_rotation, `${key.stack}: ${key.address}`).toBe(true);
  });

  it('opens no security group to the internet except 443 on the public load balancer', () => {
    const openIngress = [
      ...resources(stacks, 'aws_vpc_security_group_ingress_rule').filter((rule) => rule.config.cidr_ipv4 === '0.0.0.0/0' || rule.config.cidr_ipv6 === '::/0'),
      ...resources(stacks, 'aws_security_group').flatMap((group) =>
        (group.config.ingress ?? []).filter((rule: Block) => (rule.cidr_blocks ?? []).includes('0.0.0.0/0') || (rule.ipv6_cidr_blocks ?? []).includes('::/0')).map(() => group),
      ),
    ];
    expect(openIngress.length).toBeGreaterThan(0);
    const loadBalancerGroups = new Set(resources(stacks, 'aws_lb').flatMap((lb) => lb.config.security_groups.map((group: string) => `${lb.stack} ${group}`)));
    for (const rule of openIngress) {
      expect(rule.config, `${rule.stack}: ${rule.address}`).toMatchObject({ ip_protocol: 'tcp', from_port: 443, to_port: 443 });
      expect(loadBalancerGroups.has(`${rule.stack} ${rule.config.security_group_id}`), `${rule.stack}: ${rule.address} belongs to the load balancer`).toBe(true);
    }
    for (const lb of resources(stacks, 'aws_lb')) expect(lb.config.internal, lb.address).toBe(false);
  });

  it('puts a health check behind every Route 53 record of a serving region', () => {
    const records = resources(stacks, 'aws_route53_record').filter((record) => record.config.type !== 'CNAME' || record.config.set_identifier);
    const routed = records.filter((r) => r.config.weighted_routing_policy || r.config.latency_routing_policy || r.config.failover_routing_policy || r.config.alias);
    expect(routed.length).toBeGreaterThanOrEqual(4);
    for (const record of routed) {
      const checked = Boolean(record.config.health_check_id) || record.config.alias?.evaluate_target_health === true;
      expect(checked, `${record.stack}: ${record.address}`).toBe(true);
    }
  });

  it('pins the AWS provider the bindings were generated for, in every stack', () => {
    const pinned = versions['terraform-aws-provider'].version;
    expect(new AwsProvider(scratchStack(), 'aws', { region: 'us-east-1' }).terraformGeneratorMetadata?.providerVersion).toBe(pinned);
    for (const [name, stack] of stacks) expect(stack.terraform.required_providers.aws, name).toEqual({ source: 'hashicorp/aws', version: pinned });
  });
});

describe('a model change touches only what it should', () => {
  it("moves a weight: only the global stack's record weights and accelerator dials change", async () => {
    const root = await exampleRepo();
    await edit(root, 'regions/us-east-1.ts', 'weight: 50', 'weight: 70');
    await edit(root, 'regions/us-west-2.ts', 'weight: 50', 'weight: 30');
    const changes = resourceChanges(stacks, stacksOf(synth(await modelAt(root))));
    expect(changes.map((c) => `${c.stack} ${c.change} ${c.type}`).sort()).toEqual([
      'global ~ aws_globalaccelerator_endpoint_group',
      'global ~ aws_route53_record',
      'global ~ aws_route53_record',
    ]);
    const records = resources(stacksOf(synth(await modelAt(root))), 'aws_route53_record').filter((r) => r.config.weighted_routing_policy);
    expect(records.map((r) => [r.config.set_identifier, r.config.weighted_routing_policy.weight])).toEqual([
      ['us-east-1', 70],
      ['us-west-2', 30],
    ]);
  });

  it('adds a third region: a new stack, and in the others only cross-region wiring', async () => {
    const root = await exampleRepo();
    const west = await readFile(path.join(root, 'regions/us-west-2.ts'), 'utf8');
    await writeFile(
      path.join(root, 'regions/us-east-2.ts'),
      west.replace("id: 'us-west-2'", "id: 'us-east-2'").replace("awsRegion: 'us-west-2'", "awsRegion: 'us-east-2'").replaceAll('10.20.', '10.30.').replace("regionalRecord: 'api-usw2'", "regionalRecord: 'api-use2'").replace('weight: 50', 'weight: 0'),
    );
    await edit(root, 'regions/global.yaml', '    - [us-east-1]', '    - [us-east-1]\n    - [us-east-2]');
    const after = stacksOf(synth(await modelAt(root)));
    expect([...after.keys()].sort()).toEqual(['ci', 'global', 'us-east-1', 'us-east-2', 'us-west-2']);
    const changes = resourceChanges(stacks, after);
    expect(changes.filter((c) => c.change === '-')).toEqual([]);
    // Existing regions gain replication towards, backups copied to and alarms about the new region, and their chaos
    // experiments cut and stop on it too; nothing else of theirs moves.
    for (const region of ['us-east-1', 'us-west-2']) {
      expect([...new Set(changes.filter((c) => c.stack === region).map((c) => `${c.change} ${c.type}`))].sort(), region).toEqual(CROSS_REGION_CHANGES);
    }
    // CI gets an apply role for the new region, whose peers may read its state.
    expect(changes.filter((c) => c.stack === 'ci' && c.change !== '~').map((c) => c.type).sort()).toEqual([
      'aws_iam_role',
      'aws_iam_role_policy',
      'data.aws_iam_policy_document',
      'data.aws_iam_policy_document',
    ]);
    const global = new Set(changes.filter((c) => c.stack === 'global' && c.change === '+').map((c) => c.type));
    expect([...global].sort()).toEqual([
      'aws_eks_access_entry',
      'aws_eks_access_policy_association',
      'aws_globalaccelerator_endpoint_group',
      'aws_route',
      'aws_route53_health_check',
      'aws_route53_record',
      'aws_vpc_peering_connection',
      'aws_vpc_peering_connection_accepter',
      'aws_vpc_peering_connection_options',
      'data.terraform_remote_state',
    ]);
  });
});

/** What changes in an existing region stack when a region joins: only what points at peers. */
const CROSS_REGION_CHANGES = [
  '+ aws_cloudwatch_metric_alarm',
  '~ aws_backup_plan',
  '~ aws_cloudwatch_composite_alarm',
  '~ aws_cloudwatch_dashboard',
  '~ aws_fis_experiment_template',
  '~ aws_s3_bucket_replication_configuration',
  '~ data.aws_iam_policy_document',
];

type Change = { stack: string; change: '+' | '~' | '-'; type: string; name: string };

function resourceChanges(before: Map<string, Stack>, after: Map<string, Stack>): Change[] {
  const changes: Change[] = [];
  for (const stack of new Set([...before.keys(), ...after.keys()])) {
    const blocks = (json: Stack | undefined) =>
      new Map(
        [...Object.entries(json?.resource ?? {}), ...Object.entries(json?.data ?? {}).map(([type, v]) => [`data.${type}`, v] as const)].flatMap(([type, named]) =>
          Object.entries(named).map(([name, config]) => [`${type} ${name}`, JSON.stringify(config)] as const),
        ),
      );
    const was = blocks(before.get(stack));
    const is = blocks(after.get(stack));
    for (const key of new Set([...was.keys(), ...is.keys()])) {
      const [type, name] = key.split(' ') as [string, string];
      if (!was.has(key)) changes.push({ stack, change: '+', type, name });
      else if (!is.has(key)) changes.push({ stack, change: '-', type, name });
      else if (was.get(key) !== is.get(key)) changes.push({ stack, change: '~', type, name });
    }
  }
  return changes;
}
