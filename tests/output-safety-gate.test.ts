import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { readCommitted } from '../modules/generated-dir';
import { synthOutputs } from '../modules/outputs';
import { createGateContext } from '../policies/gates/context';
import type { FileTree, GateContext, GateResult } from '../policies/gates/gate';
import { outputSafetyGate } from '../policies/gates/output-safety-gate';
import { edit, exampleRepo } from './helpers/example-repo';

// The gate judges what Terraform and Argo CD would read: the example's committed output, here with one
// thing an input could smuggle in, injected as synth would have written it.

const US_WEST_2 = 'generated/terraform/us-west-2/cdk.tf.json';
const US_EAST_1 = 'generated/terraform/us-east-1/cdk.tf.json';
const ROLLOUT = 'generated/k8s/us-east-1/orders-api/rollout-orders-api.yaml';
const SERVICE = 'generated/k8s/us-east-1/orders-api/service-orders-api.yaml';
const FLAGS = 'generated/k8s/us-east-1/orders-api/configmap-feature-flags.yaml';
const NOT_ALLOWED = (name: string) => `${name} is not an allowed function (element, one, replace, tolist, tomap, toset)`;
const EXPECTED = 'expected a reference or an allowed function call';

let context: GateContext;

beforeAll(async () => {
  context = await createGateContext(await exampleRepo(), { synthOutputs, readCommitted });
});

const run = (committed: FileTree, synthesized = context.synthesized): Promise<GateResult> =>
  outputSafetyGate.run({ ...context, committed, ...(synthesized ? { synthesized } : {}) });

/** The committed tree with one stack changed through `change`. */
function stackEdited(file: string, change: (config: any) => void): Map<string, string> {
  const config = JSON.parse(context.committed.get(file)!);
  change(config);
  return new Map(context.committed).set(file, `${JSON.stringify(config, null, 2)}\n`);
}

function manifestEdited(file: string, change: (manifest: any) => void): Map<string, string> {
  const manifest = parse(context.committed.get(file)!);
  change(manifest);
  return new Map(context.committed).set(file, stringify(manifest, { lineWidth: 0 }));
}

const setTag = (value: string) => (config: any) => (config.provider.aws[0].default_tags[0].tags.jurisdiction = value);

describe('the output-safety gate', () => {
  it('passes the example, counting what it judged', async () => {
    const result = await run(context.committed);
    expect(result.details).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.summary).toMatch(/^\d{3,} Terraform expressions in 4 stacks, \d{3,} names, labels and keys in \d+ manifests: all of forms the constructs produce and the API server accepts$/);
  });

  it('fails a tag that reads a file of the CI runner, naming the stack file and the JSON path', async () => {
    // The example, in the committed stack on disk, read as every gate reads it.
    const root = await exampleRepo();
    await edit(root, US_WEST_2, '"jurisdiction": "us"', '"jurisdiction": "${file(\\"/etc/hostname\\")}"');
    const result = await outputSafetyGate.run(await createGateContext(root, { synthOutputs, readCommitted }));
    expect(result.ok).toBe(false);
    expect(result.summary).toMatch(/^1 problem among \d+ Terraform expressions in 4 stacks, /);
    expect(result.details).toEqual([`${US_WEST_2}: provider.aws[0].default_tags[0].tags.jurisdiction: ${EXPECTED}, got \${file("/etc/hostname")} (${NOT_ALLOWED('file')})`]);
  });

  it('fails a template directive, one line per directive', async () => {
    const result = await run(stackEdited(US_WEST_2, setTag('%{ if true }x%{ endif }')));
    const at = `${US_WEST_2}: provider.aws[0].default_tags[0].tags.jurisdiction: expected no template directive (%%{ writes a literal %{), got`;
    expect(result.details).toEqual([`${at} %{ if true }`, `${at} %{ endif }`]);
  });

  it('fails templatefile in a resource argument', async () => {
    const result = await run(stackEdited(US_EAST_1, (config) => (config.resource.aws_kms_key.key_F64E54E4.description = 'Encrypts ${templatefile("/etc/passwd", local.x)}')));
    expect(result.details).toEqual([`${US_EAST_1}: resource.aws_kms_key.key_F64E54E4.description: ${EXPECTED}, got \${templatefile("/etc/passwd", local.x)} (${NOT_ALLOWED('templatefile')})`]);
  });

  it('fails a provider-defined function, also in an object key, which Terraform reads as a template too', async () => {
    const result = await run(stackEdited(US_WEST_2, (config) => (config.provider.aws[0].default_tags[0].tags['${provider::x::y()}'] = 'v')));
    expect(result.details).toEqual([`${US_WEST_2}: provider.aws[0].default_tags[0].tags.\${provider::x::y()}: ${EXPECTED}, got \${provider::x::y()} (${NOT_ALLOWED('provider::x::y')})`]);
  });

  it('fails a reference to something the stack does not declare, such as path.module', async () => {
    const result = await run(stackEdited(US_WEST_2, setTag('${path.module}')));
    expect(result.details).toEqual([`${US_WEST_2}: provider.aws[0].default_tags[0].tags.jurisdiction: ${EXPECTED}, got \${path.module} (path.module is not a resource, data source or local of this stack)`]);
  });

  it('passes an escaped $${literal} and %%{literal}, which Terraform writes as text', async () => {
    const result = await run(stackEdited(US_WEST_2, setTag('$${literal} %%{literal}')));
    expect(result.details).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('fails an invalid label value in a pod template, with the line it is on', async () => {
    const result = await run(manifestEdited(ROLLOUT, (rollout) => (rollout.spec.template.metadata.labels.owner = 'example-org/orders-team')));
    expect(result.ok).toBe(false);
    expect(result.details).toEqual([
      expect.stringMatching(
        /^generated\/k8s\/us-east-1\/orders-api\/rollout-orders-api\.yaml:\d+:\d+: spec\.template\.metadata\.labels\.owner: expected a label value: empty, or at most 63 characters \(letters, digits, "-", "_" and "\.", alphanumeric at both ends\), got "example-org\/orders-team"$/,
      ),
    ]);
  });

  it('fails an over-long Service name', async () => {
    const name = `orders-api-${'x'.repeat(60)}`;
    const result = await run(manifestEdited(SERVICE, (service) => (service.metadata.name = name)));
    expect(result.details).toEqual([expect.stringMatching(new RegExp(`^generated/k8s/us-east-1/orders-api/service-orders-api\\.yaml:\\d+:\\d+: metadata\\.name: expected a Service name: a DNS-1035 label of at most 63 characters .*, got "${name}"$`))]);
  });

  it('fails a ConfigMap key the API server refuses', async () => {
    const result = await run(manifestEdited(FLAGS, (flags) => (flags.data['read only'] = 'false')));
    expect(result.details).toEqual([expect.stringMatching(/^generated\/k8s\/us-east-1\/orders-api\/configmap-feature-flags\.yaml:\d+:\d+: data\["read only"\]: expected a ConfigMap key of at most 253 characters .*, got "read only"$/)]);
  });

  it('judges a fresh synth that differs from the committed tree, saying so', async () => {
    const fresh = stackEdited(US_WEST_2, setTag('${file("/etc/hostname")}'));
    const result = await run(context.committed, fresh);
    expect(result.details).toEqual([`${US_WEST_2} (as a fresh synth writes it): provider.aws[0].default_tags[0].tags.jurisdiction: ${EXPECTED}, got \${file("/etc/hostname")} (${NOT_ALLOWED('file')})`]);
  });

  it('reports a problem that the committed stack and a differing fresh synth share once', async () => {
    const inject = setTag('${file("/etc/hostname")}');
    const committed = stackEdited(US_WEST_2, inject);
    const fresh = stackEdited(US_WEST_2, (config) => {
      inject(config);
      config.provider.aws[0].default_tags[0].tags.residency = 'eu';
    });
    expect(fresh.get(US_WEST_2)).not.toBe(committed.get(US_WEST_2));
    const result = await run(committed, fresh);
    expect(result.details).toEqual([`${US_WEST_2}: provider.aws[0].default_tags[0].tags.jurisdiction: ${EXPECTED}, got \${file("/etc/hostname")} (${NOT_ALLOWED('file')})`]);
  });

  it('fails instead of passing vacuously when there is no generated output', async () => {
    expect(await run(new Map(), undefined)).toMatchObject({ ok: false, summary: 'nothing to judge: no stacks under generated/terraform/ or no manifests under generated/k8s/' });
  });

  it('fails closed on a stack that is not JSON and a manifest that is not YAML', async () => {
    const brokenStack = await run(new Map(context.committed).set(US_WEST_2, '{"provider": '), undefined);
    expect(brokenStack).toMatchObject({ ok: false, summary: 'a generated stack is not JSON' });
    expect(brokenStack.details).toEqual([expect.stringMatching(/^generated\/terraform\/us-west-2\/cdk\.tf\.json: expected Terraform JSON, got /)]);
    const brokenManifest = await run(new Map(context.committed).set(FLAGS, 'data: [unclosed\n'), undefined);
    expect(brokenManifest.ok).toBe(false);
    expect(brokenManifest.details).toEqual([expect.stringMatching(/^generated\/k8s\/us-east-1\/orders-api\/configmap-feature-flags\.yaml:\d+:\d+: expected valid YAML, got /)]);
  });
});
