import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Backend } from 'cdktn';
import { describe, expect, it } from 'vitest';
import { edit, exampleRepo, modelAt, REPO_ROOT } from '../tests/helpers/example-repo';
import type { Model } from '../schemas';
import { largeConfigRepo, removeRepo } from '../scripts/bench/large-config';
import { modelAfter, standingPlans } from './failover';
import { createReadMemo, type Files, type ReadMemo } from './read-memo';
import { renderStacks, synth, terraformApp, type GeneratedFiles } from './synth';

function changedFiles(before: GeneratedFiles, after: GeneratedFiles): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((file) => before.get(file) !== after.get(file)).sort();
}

type TerraformJson = { resource: Record<string, Record<string, Record<string, unknown>>>; terraform: Record<string, any> };
const stack = (files: GeneratedFiles, name: string) => JSON.parse(files.get(`terraform/${name}/cdk.tf.json`)!) as TerraformJson;
const resources = (json: TerraformJson, type: string) => Object.values(json.resource[type] ?? {});

describe('synth', () => {
  it('produces a Terraform stack per region plus global and ci, and per region one folder per Argo CD Application', async () => {
    const files = synth(await modelAt(REPO_ROOT));
    expect([...files.keys()].filter((f) => f.startsWith('terraform/'))).toEqual([
      'terraform/ci/cdk.tf.json',
      'terraform/global/cdk.tf.json',
      'terraform/us-east-1/cdk.tf.json',
      'terraform/us-west-2/cdk.tf.json',
    ]);
    const folders = [...new Set([...files.keys()].filter((f) => f.startsWith('k8s/')).map((f) => f.split('/').slice(0, 3).join('/')))];
    expect(folders).toEqual([
      'k8s/us-east-1/_cluster',
      'k8s/us-east-1/argocd',
      'k8s/us-east-1/monitoring',
      'k8s/us-east-1/orders-api',
      'k8s/us-east-1/reconciliation',
      'k8s/us-west-2/_cluster',
      'k8s/us-west-2/argocd',
      'k8s/us-west-2/monitoring',
      'k8s/us-west-2/orders-api',
      'k8s/us-west-2/reconciliation',
    ]);
  });

  it('is byte-identical across runs and across checkouts in different directories', async () => {
    const here = synth(await modelAt(REPO_ROOT));
    const again = synth(await modelAt(REPO_ROOT));
    const elsewhere = synth(await modelAt(await exampleRepo()));
    expect([...again.entries()]).toEqual([...here.entries()]);
    expect([...elsewhere.entries()]).toEqual([...here.entries()]);
    for (const content of here.values()) {
      expect(content).not.toContain(REPO_ROOT);
      expect(content).not.toMatch(/\/tmp\/|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    }
  });

  it('keeps each stack in its own S3 state with locking and encryption', async () => {
    const files = synth(await modelAt(REPO_ROOT));
    const backends = ['ci', 'global', 'us-east-1', 'us-west-2'].map((name) => stack(files, name).terraform.backend.s3);
    expect(new Set(backends.map((b) => b.key)).size).toBe(4);
    for (const backend of backends) expect(backend).toMatchObject({ bucket: 'example-org-orders-tfstate', encrypt: true, use_lockfile: true });
  });

  it('puts each region in its own VPC with subnets per tier and a deny-all default security group', async () => {
    const east = stack(synth(await modelAt(REPO_ROOT)), 'us-east-1');
    expect(resources(east, 'aws_vpc')).toEqual([expect.objectContaining({ cidr_block: '10.10.0.0/16', enable_dns_support: true })]);
    expect(resources(east, 'aws_subnet')).toHaveLength(9);
    expect(resources(east, 'aws_subnet').every((subnet) => subnet.map_public_ip_on_launch === false)).toBe(true);
    const [defaultGroup] = resources(east, 'aws_default_security_group');
    expect(defaultGroup).toBeDefined();
    expect(defaultGroup!.ingress).toBeUndefined();
    expect(defaultGroup!.egress).toBeUndefined();
  });

  it('routes the global record by the model weights, every entry behind a health check', async () => {
    const global = stack(synth(await modelAt(REPO_ROOT)), 'global');
    const records = resources(global, 'aws_route53_record');
    expect(records.map((r) => [r.set_identifier, r.weighted_routing_policy])).toEqual([
      ['us-east-1', { weight: 50 }],
      ['us-west-2', { weight: 50 }],
    ]);
    for (const record of records) expect(record.health_check_id).toMatch(/^\$\{aws_route53_health_check\./);
    expect(resources(global, 'aws_route53_health_check').filter((c) => c.type === 'HTTPS').map((c) => [c.fqdn, c.type, c.request_interval, c.failure_threshold])).toEqual([
      ['api-use1.example.com', 'HTTPS', 10, 3],
      ['api-usw2.example.com', 'HTTPS', 10, 3],
    ]);
  });

  it('changes only the global stack and the standing failover plans (which start from the weights) when a weight changes', async () => {
    const root = await exampleRepo();
    const before = synth(await modelAt(root));
    await edit(root, 'regions/us-east-1.ts', 'weight: 50', 'weight: 70');
    await edit(root, 'regions/us-west-2.ts', 'weight: 50', 'weight: 30');
    const after = synth(await modelAt(root));
    expect(changedFiles(before, after).filter((file) => !file.startsWith('failover/'))).toEqual(['terraform/global/cdk.tf.json']);
    const weights = resources(stack(after, 'global'), 'aws_route53_record').map((r) => r.weighted_routing_policy);
    expect(weights).toEqual([{ weight: 70 }, { weight: 30 }]);
  });

  it('runs the validations of every construct in a stack, as App.synth() does, not only the stack\'s own', async () => {
    const { stacks } = terraformApp(await modelAt(REPO_ROOT), path.join(tmpdir(), 'synth-test-cdktf'));
    const backend = stacks[0]!.node.findAll().find((construct) => construct instanceof S3Backend)!;
    backend.node.addValidation({ validate: () => ['state bucket must block public access'] });
    expect(() => renderStacks(stacks)).toThrow(/\[us-east-1\/backend\] state bucket must block public access/);
  });

  it('targets Terraform 1.10 or newer, which the S3 backend\'s native locking requires', async () => {
    const { app } = terraformApp(await modelAt(REPO_ROOT), path.join(tmpdir(), 'synth-test-cdktf'));
    expect(app.node.tryGetContext('targetVersions')).toEqual({ terraform: '>=1.10.0' });
  });
});

describe('synth with a memo', () => {
  /** A memo that also lists the parts it had to build. */
  function countingMemo() {
    const memo = createReadMemo();
    const built: string[] = [];
    return { built, memo: { run: <A extends object>(part: string, input: A, build: (input: A) => Files) => memo.run(part, input, (seen: A) => (built.push(part), build(seen))) } satisfies ReadMemo };
  }

  it('gives byte-identical output to a fresh synth for every variant of a model, in any order', async () => {
    const repo = await largeConfigRepo(REPO_ROOT, 3, 2);
    try {
      const model = await modelAt(repo);
      const variant = (change: (model: Model) => void): Model => {
        const copy = structuredClone(model);
        change(copy);
        return copy;
      };
      const variants: Model[] = [
        model,
        variant((m) => ((m.regions[0]!.traffic.weight -= 1), (m.regions[1]!.traffic.weight += 1))),
        variant((m) => (m.regions[1]!.readOnly = true)),
        variant((m) => (m.regions[2]!.degradedMode.serveStaleReads = true)),
        variant((m) => (m.apps[0]!.replicas.max += 1)),
        variant((m) => (m.regions[0]!.healthCheck.failureThreshold += 1)),
        variant((m) => (m.regions = m.regions.slice(0, 2).map((region) => ({ ...region, traffic: { ...region.traffic, weight: 50 } })))),
        ...standingPlans(model).map((plan) => modelAfter(model, plan.failover)),
        model,
      ];
      const { memo } = countingMemo();
      const base = synth(model);
      for (const [index, each] of variants.entries()) {
        const fresh = synth(each);
        // Each variant between the first and the last changes the output, or the comparison would prove little.
        if (index > 0 && index < variants.length - 1) expect(changedFiles(base, fresh), `variant ${index}`).not.toEqual([]);
        const memoised = synth(each, memo);
        expect([...memoised.keys()], `variant ${index}`).toEqual([...fresh.keys()]);
        for (const [file, content] of fresh) expect(memoised.get(file), `variant ${index}: ${file}`).toBe(content);
      }
    } finally {
      await removeRepo(repo);
    }
  });

  it('rebuilds only the global stack and the failover plans for a weight change, and nothing for the same model again', async () => {
    const model = await modelAt(REPO_ROOT);
    const { memo, built } = countingMemo();
    synth(model, memo);
    const parts = built.splice(0);
    expect(parts).toEqual(expect.arrayContaining(['region/us-east-1/terraform', 'region/us-east-1/k8s', 'stack/global', 'stack/ci', 'failover']));
    synth(structuredClone(model), memo);
    expect(built.splice(0)).toEqual([]);
    const shifted = structuredClone(model);
    shifted.regions[0]!.traffic.weight -= 10;
    shifted.regions[1]!.traffic.weight += 10;
    synth(shifted, memo);
    expect(built.splice(0).sort()).toEqual(['failover', 'stack/global']);
  });
});
