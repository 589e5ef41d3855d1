import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { count } from '../../schemas';
import versions from '../toolchain/versions.json' with { type: 'json' };
import { resolveAwsProviderMirror, resolveTool } from '../toolchain/resolve';
import { terraformStacks } from '../engine/input';
import { fail, pass, skip, type Gate } from './gate';

const run = promisify(execFile);
/** Lets a machine without Terraform run the other gates; the run then ends with this gate counted as skipped, never as passed. */
export const SKIP_TERRAFORM_ENV = 'MR_SKIP_TERRAFORM_VALIDATE';

type TerraformJson = Record<string, any>;

interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  /** Where in the configuration, as a dotted path such as `resource.aws_kms_key.key_F64E54E4`. */
  snippet?: { context?: string | null };
  /** The file, relative to the root module: `<stack>/cdk.tf.json`. */
  range?: { filename?: string };
}

/**
 * `terraform init -backend=false` + `terraform validate` on every committed stack, against a local
 * mirror of the pinned AWS provider. When the machine only has an older admitted provider, every block
 * that provider does not know is taken out before validating and listed, so nothing passes unseen.
 */
export const terraformGate: Gate = {
  name: 'terraform',
  description:
    '`terraform validate` passes for every generated stack with the pinned AWS provider (or an admitted older one, listing what it could not validate); fails closed without terraform or a provider mirror.',
  async run({ root, committed }) {
    const stacks = terraformStacks(committed);
    if (!stacks.length) return fail('no stacks under generated/terraform/', ['run `npm run synth` and commit generated/']);
    const terraform = resolveTool(root, 'terraform');
    const mirror = resolveAwsProviderMirror();
    if (!terraform.ok || !mirror.ok) {
      const missing = [...(terraform.ok ? [] : [terraform.message]), ...(mirror.ok ? [] : [mirror.message])];
      const reason = process.env[SKIP_TERRAFORM_ENV];
      if (reason) return skip(`not run: ${reason} (${SKIP_TERRAFORM_ENV})`, missing);
      return fail('terraform or the AWS provider is unavailable', [
        ...missing,
        `on a machine that cannot have them, set ${SKIP_TERRAFORM_ENV}=<reason> to report this gate as skipped`,
      ]);
    }

    const work = await mkdtemp(path.join(tmpdir(), 'terraform-gate-'));
    try {
      const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
      const terraformRun = (cwd: string, args: string[]) => run(terraform.path, args, { cwd, env, maxBuffer: 256 * 1024 * 1024 });
      const providers = path.join(work, '_providers');
      await mkdir(providers);
      await writeFile(
        path.join(providers, 'main.tf.json'),
        JSON.stringify({ terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: mirror.version } } } }),
      );
      await terraformRun(providers, ['init', '-backend=false', `-plugin-dir=${mirror.dir}`, '-input=false', '-no-color']);
      const schema = JSON.parse((await terraformRun(providers, ['providers', 'schema', '-json'])).stdout) as ProviderSchemas;
      const known = knownTypes(schema);

      // All stacks as modules of one root: a single validate starts the (large) provider once, not once per stack.
      const root = path.join(work, 'stacks');
      const prepared = stacks.map((stack) => ({ stack, ...forProvider(stack.config, mirror.version, known) }));
      for (const { stack, config } of prepared) {
        await mkdir(path.join(root, stack.name), { recursive: true });
        await writeFile(path.join(root, stack.name, 'cdk.tf.json'), JSON.stringify(config, null, 1));
      }
      await writeFile(
        path.join(root, 'main.tf.json'),
        JSON.stringify({ module: Object.fromEntries(stacks.map((stack) => [stack.name, { source: `./${stack.name}` }])) }),
      );
      await terraformRun(root, ['init', '-backend=false', `-plugin-dir=${mirror.dir}`, '-input=false', '-no-color']);
      const output = await terraformRun(root, ['validate', '-json', '-no-color']).then(
        ({ stdout }) => stdout,
        (error: { stdout?: string; message: string }) => error.stdout || JSON.stringify({ diagnostics: [{ severity: 'error', summary: error.message }] }),
      );
      // A stack's own backend block is ignored inside a module (a warning); only errors count.
      const diagnostics = (JSON.parse(output) as { diagnostics: Diagnostic[] }).diagnostics.filter((d) => d.severity === 'error');
      const fileOf = (d: Diagnostic) => {
        const stack = d.range?.filename?.split('/')[0];
        return stacks.find((candidate) => candidate.name === stack)?.file ?? 'generated/terraform';
      };
      const results = prepared.map(({ stack, unvalidated, standIns }) => ({ stack, unvalidated, standIns }));

      const errors = diagnostics.map(
        (d) => `${fileOf(d)}: ${d.snippet?.context ? `${d.snippet.context}: ` : ''}${d.summary}${d.detail ? `: ${d.detail.replace(/\s+/g, ' ')}` : ''}`,
      );
      const unvalidated = results.flatMap(({ stack, unvalidated }) => unvalidated.map((address) => `${stack.file}: ${address}`));
      const standIns = results.flatMap(({ stack, standIns }) => standIns.map((address) => `${stack.file}: ${address}`));
      const provider = mirror.admitted
        ? `AWS provider ${mirror.version} (admitted in place of the pinned ${versions['terraform-aws-provider'].version})`
        : `AWS provider ${mirror.version}`;
      if (errors.length) return fail(`${count(errors.length, 'error')} in ${count(stacks.length, 'stack')} (terraform ${terraform.version}, ${provider})`, errors);
      const notValidated = unvalidated.length
        ? `; ${count(unvalidated.length, 'block')} not validated, unknown to ${mirror.version}: ${unvalidated.join(', ')}` +
          (standIns.length ? `; validated with stand-ins for references to them: ${standIns.join(', ')}` : '')
        : '';
      return pass(`${count(stacks.length, 'stack')} valid with terraform ${terraform.version}, ${provider}${notValidated}`);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};

interface ProviderSchemas {
  provider_schemas: Record<string, { resource_schemas?: Record<string, unknown>; data_source_schemas?: Record<string, unknown> }>;
}

interface KnownTypes {
  resource: ReadonlySet<string>;
  data: ReadonlySet<string>;
}

function knownTypes(schema: ProviderSchemas): KnownTypes {
  const aws = Object.values(schema.provider_schemas)[0] ?? {};
  return { resource: new Set(Object.keys(aws.resource_schemas ?? {})), data: new Set(Object.keys(aws.data_source_schemas ?? {})) };
}

/**
 * The stack as the available provider can validate it: its version admitted in `required_providers`,
 * and blocks of types it does not know removed. Values that refer to a removed block are replaced by a
 * literal stand-in, so the blocks around them are still validated; a `depends_on` entry naming one is
 * dropped. Both lists are returned so the gate can name what it did not check.
 */
export function forProvider(original: TerraformJson, providerVersion: string, known: KnownTypes): { config: TerraformJson; unvalidated: string[]; standIns: string[] } {
  const config = structuredClone(original);
  const aws = config.terraform?.required_providers?.aws;
  if (aws) aws.version = providerVersion;
  const removed: string[] = [];
  for (const [kind, prefix] of [['resource', ''], ['data', 'data.']] as const) {
    for (const type of Object.keys(config[kind] ?? {})) {
      if (type === 'terraform_remote_state' || known[kind].has(type)) continue;
      for (const name of Object.keys(config[kind][type])) removed.push(`${prefix}${type}.${name}`);
      delete config[kind][type];
    }
  }
  if (!removed.length) return { config, unvalidated: [], standIns: [] };
  // A dot or name character before or after an address means another block's name.
  const mentions = new RegExp(`(^|[^A-Za-z0-9_.-])(${removed.map((address) => address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})([^A-Za-z0-9_-]|$)`);
  const standIns = new Set<string>();
  const replace = (value: unknown, owner: string): unknown => {
    if (typeof value === 'string') {
      if (!mentions.test(value)) return value;
      standIns.add(owner);
      return `stand-in for ${mentions.exec(value)![2]}`;
    }
    if (Array.isArray(value)) return value.map((item) => replace(item, owner));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).flatMap(([key, item]) =>
          key === 'depends_on' && Array.isArray(item) ? [[key, item.filter((entry) => !mentions.test(String(entry)))]] : [[key, replace(item, owner)]],
        ),
      );
    }
    return value;
  };
  for (const [kind, prefix] of [['resource', ''], ['data', 'data.']] as const) {
    for (const [type, blocks] of Object.entries(config[kind] ?? {}) as Array<[string, Record<string, unknown>]>) {
      for (const [name, block] of Object.entries(blocks)) blocks[name] = replace(block, `${prefix}${type}.${name}`);
    }
  }
  for (const [name, output] of Object.entries(config.output ?? {})) config.output[name] = replace(output, `output.${name}`);
  return { config, unvalidated: removed.sort(), standIns: [...standIns].sort() };
}
