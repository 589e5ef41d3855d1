import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readCommitted } from '../modules/generated-dir';
import { synthOutputs } from '../modules/outputs';
import { checkovGate } from '../policies/gates/checkov-gate';
import { createGateContext } from '../policies/gates/context';
import type { Gate, GateResult } from '../policies/gates/gate';
import { forProvider, SKIP_TERRAFORM_ENV, terraformGate } from '../policies/gates/terraform-gate';
import { CHECKOV_SKIPS_FILE } from '../schemas';
import { toolsDir } from '../policies/toolchain/resolve';
import { edit, exampleRepo, REPO_ROOT, removeScratchRepos } from './helpers/example-repo';

// The gates on the generated Terraform run the real tools: terraform with the AWS provider mirror, and checkov.

const run = async (gate: Gate, root: string, now?: Date): Promise<GateResult> =>
  gate.run(await createGateContext(root, { synthOutputs, readCommitted }, now ? { now } : {}));

// Scratch repositories have no .tools of their own; they use the checkout's pinned checkov.
const useCheckoutTools = () => vi.stubEnv('MR_TOOLS_DIR', toolsDir(REPO_ROOT));
beforeAll(useCheckoutTools);

afterAll(async () => {
  vi.unstubAllEnvs();
  await removeScratchRepos();
});

describe('the terraform gate', () => {
  it('validates every stack and names the blocks the available provider cannot validate', async () => {
    const result = await run(terraformGate, await exampleRepo());
    expect(result.details).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.summary).toMatch(/^4 stacks valid with terraform \S+, AWS provider /);
    if (result.summary.includes('admitted')) {
      expect(result.summary).toContain('not validated, unknown to 5.100.0: generated/terraform/global/cdk.tf.json: aws_arcregionswitch_plan.region-switch_plan_');
    }
  });

  it('fails on an argument the provider does not have, naming the stack file and the resource', async () => {
    const root = await exampleRepo();
    await edit(root, 'generated/terraform/us-east-1/cdk.tf.json', '"enable_key_rotation": true', '"enable_key_rotation": true,\n        "rotate_every_day": true');
    const result = await run(terraformGate, root);
    expect(result.ok).toBe(false);
    expect(result.details).toEqual([
      expect.stringMatching(/^generated\/terraform\/us-east-1\/cdk\.tf\.json: resource\.aws_kms_key\.key_[0-9A-F]+: Extraneous JSON object property: No argument or block type is named "rotate_every_day"\.$/),
    ]);
  });

  it('fails closed when terraform is missing, saying what is missing and how to proceed', async () => {
    vi.stubEnv('PATH', await mkdtemp(path.join(tmpdir(), 'no-terraform-')));
    try {
      const result = await run(terraformGate, await exampleRepo());
      expect(result.ok).toBe(false);
      expect(result.details).toEqual(['terraform is not on PATH (no registry here serves it; use a machine image that carries it)', expect.stringContaining(SKIP_TERRAFORM_ENV)]);
      vi.stubEnv(SKIP_TERRAFORM_ENV, 'no terraform on this runner');
      const skipped = await run(terraformGate, await exampleRepo());
      expect(skipped).toMatchObject({ ok: true, skipped: true, summary: `not run: no terraform on this runner (${SKIP_TERRAFORM_ENV})` });
    } finally {
      vi.unstubAllEnvs();
      useCheckoutTools();
    }
  });

  it('validates what refers to a block the provider lacks by standing in for the reference', () => {
    const stack = {
      terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '6.66.0' } } },
      resource: {
        aws_arcregionswitch_plan: { plan: { name: 'failover' } },
        aws_iam_role_policy: { approve: { policy: '${aws_arcregionswitch_plan.plan.arn}', depends_on: ['aws_arcregionswitch_plan.plan'] } },
        aws_s3_bucket: { untouched: { bucket: 'aws_arcregionswitch_plan.planner' } },
      },
    };
    const { config, unvalidated, standIns } = forProvider(stack, '5.100.0', { resource: new Set(['aws_iam_role_policy', 'aws_s3_bucket']), data: new Set() });
    expect(unvalidated).toEqual(['aws_arcregionswitch_plan.plan']);
    expect(standIns).toEqual(['aws_iam_role_policy.approve']);
    expect(config.resource).toEqual({
      aws_iam_role_policy: { approve: { policy: 'stand-in for aws_arcregionswitch_plan.plan', depends_on: [] } },
      aws_s3_bucket: { untouched: { bucket: 'aws_arcregionswitch_plan.planner' } },
    });
    expect(config.terraform.required_providers.aws.version).toBe('5.100.0');
  });
});

describe('the checkov gate', () => {
  it('passes the example with every failure covered by a reviewed skip', async () => {
    const result = await run(checkovGate, await exampleRepo());
    expect(result.details).toEqual([]);
    expect(result.summary).toMatch(/^4 stacks: \d+ passed, \d+ failures covered by \d+ reviewed skips$/);
  });

  it('fails on a finding no skip covers, and on a skip that covers nothing', async () => {
    const root = await exampleRepo();
    await edit(root, CHECKOV_SKIPS_FILE, 'resource: data.network_zones_*', 'resource: data.network_subnets_*');
    const result = await run(checkovGate, root);
    expect(result.ok).toBe(false);
    expect(result.details).toEqual([
      'generated/terraform/us-east-1/cdk.tf.json: data.network_zones_2241F3F0: CKV_AWS_394 Ensure aws_availability_zones data source pins zone identity so its result set does not silently expand when AWS adds an Availability Zone',
      'generated/terraform/us-west-2/cdk.tf.json: data.network_zones_2241F3F0: CKV_AWS_394 Ensure aws_availability_zones data source pins zone identity so its result set does not silently expand when AWS adds an Availability Zone',
      `${CHECKOV_SKIPS_FILE}: skip CKV_AWS_394 data.network_subnets_* (stack *) matches no failed check; remove it`,
      `fix the resource, or add a reviewed skip (check, resource, stack, reason, owner) to ${CHECKOV_SKIPS_FILE}`,
    ]);
  });

  it('fails once a skip has expired', async () => {
    const root = await exampleRepo();
    const skips = await readFile(path.join(root, CHECKOV_SKIPS_FILE), 'utf8');
    const expires = new Date(/expires: (\S+)/.exec(skips)![1]!);
    const result = await run(checkovGate, root, new Date(expires.getTime() + 1000));
    expect(result.ok).toBe(false);
    expect(result.details).toContain(`${CHECKOV_SKIPS_FILE}: skip CKV_AWS_75 resource.accelerator_* expired ${expires.toISOString()}; fix the resource or renew the skip with the CAB`);
    // What the skip covered is a failure again.
    expect(result.details).toContainEqual(expect.stringMatching(/^generated\/terraform\/global\/cdk\.tf\.json: resource\.accelerator_[0-9A-F]+: CKV_AWS_75 /));
  });

  it('refuses a skip without a reason a reviewer can judge, pointing at it', async () => {
    const root = await exampleRepo();
    await writeFile(path.join(root, CHECKOV_SKIPS_FILE), 'skips:\n  - check: CKV_AWS_75\n    resource: resource.accelerator_*\n    reason: later\n    owner: "@example-org/platform"\n');
    const result = await run(checkovGate, root);
    expect(result.ok).toBe(false);
    expect(result.details).toEqual([`${CHECKOV_SKIPS_FILE}:4:13: skips[0].reason: expected a reason a reviewer can judge (at least 20 characters), got "later"`]);
  });
});
