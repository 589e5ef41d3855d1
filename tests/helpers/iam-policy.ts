import type { GeneratedFiles } from '../../modules/synth';

/**
 * Just enough of IAM's policy evaluation to reason about the generated CI policies: wildcard matching
 * (`*` and `?`; actions case-insensitive, resources case-sensitive, `*` spanning `/` and `:`),
 * Action/NotAction, Resource/NotResource, the condition operators the policies use, and explicit Deny
 * over Allow. An operator it does not know fails the spec rather than being guessed at.
 */

export interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly conditions: readonly Condition[];
}

/** Request context by condition key (any case); a key missing or undefined is absent from the request. */
export type RequestContext = Readonly<Record<string, string | readonly string[] | undefined>>;

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** ArnLike compares the six colon-separated parts one by one, so a `*` never spans a `:` there. */
function arnLike(pattern: string, value: string): boolean {
  const split = (arn: string) => {
    const parts = arn.split(':');
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const [patternParts, valueParts] = [split(pattern), split(value)];
  return valueParts.length === 6 && patternParts.every((part, index) => wildcardMatch(part, valueParts[index]!));
}

const lookup = (context: RequestContext, key: string): readonly string[] | undefined => {
  const found = Object.entries(context).find(([name]) => name.toLowerCase() === key.toLowerCase());
  if (found?.[1] === undefined) return undefined;
  return typeof found[1] === 'string' ? [found[1]] : found[1];
};

function conditionHolds(condition: Condition, context: RequestContext): boolean {
  if (condition.test === 'Null') return condition.values.some((value) => (value === 'true') === (lookup(context, condition.variable) === undefined));
  let test = condition.test;
  const quantifier = /^(ForAllValues|ForAnyValue):/.exec(test)?.[1];
  if (quantifier) test = test.slice(quantifier.length + 1);
  const ifExists = test.endsWith('IfExists');
  if (ifExists) test = test.slice(0, -'IfExists'.length);
  const negated = /^(StringNot|ArnNot)/.test(test);
  const compare: Record<string, (pattern: string, value: string) => boolean> = {
    StringEquals: (pattern, value) => pattern === value,
    StringNotEquals: (pattern, value) => pattern === value,
    StringLike: (pattern, value) => wildcardMatch(pattern, value),
    StringNotLike: (pattern, value) => wildcardMatch(pattern, value),
    ArnEquals: (pattern, value) => pattern === value,
    ArnLike: arnLike,
    ArnNotLike: arnLike,
    Bool: (pattern, value) => pattern.toLowerCase() === value.toLowerCase(),
  };
  const matches = compare[test];
  if (!matches) throw new Error(`condition operator ${condition.test} is not modelled; add it to tests/helpers/iam-policy.ts`);
  const values = lookup(context, condition.variable);
  if (values === undefined) return quantifier === 'ForAllValues' || negated || ifExists;
  const matchesAny = (value: string) => condition.values.some((pattern) => matches(pattern, value));
  if (quantifier === 'ForAllValues') return values.every((value) => (negated ? !matchesAny(value) : matchesAny(value)));
  const any = values.some(matchesAny);
  return negated ? !any : any;
}

function coversAction(statement: Statement, action: string): boolean {
  return statement.actions
    ? statement.actions.some((pattern) => wildcardMatch(pattern, action, true))
    : !statement.notActions!.some((pattern) => wildcardMatch(pattern, action, true));
}

function covers(statement: Statement, action: string, resource: string): boolean {
  const resourceMatches = statement.resources
    ? statement.resources.some((pattern) => wildcardMatch(pattern, resource))
    : !statement.notResources!.some((pattern) => wildcardMatch(pattern, resource));
  return resourceMatches && coversAction(statement, action);
}

function applies(statement: Statement, action: string, resource: string, context: RequestContext): boolean {
  return covers(statement, action, resource) && statement.conditions.every((condition) => conditionHolds(condition, context));
}

export function isAllowed(statements: readonly Statement[], action: string, resource: string, context: RequestContext = {}): boolean {
  const matching = statements.filter((statement) => applies(statement, action, resource, context));
  return matching.some((statement) => statement.effect === 'Allow') && !matching.some((statement) => statement.effect === 'Deny');
}

const ABSENT = Symbol('absent');

/**
 * A request context under which `action` on `resource` is allowed, if any. `facts` are what the caller
 * cannot choose (the resource's region and tags, a role's current boundary); every other condition key
 * the statements test, except `aws:ResourceTag/*`, is the caller's to pick, so each is tried absent, with
 * every value the policy names for it, and with a value it names nowhere.
 */
export function allowingContext(statements: readonly Statement[], action: string, resource: string, facts: RequestContext = {}): RequestContext | undefined {
  const fixed = new Set(Object.keys(facts).map((key) => key.toLowerCase()));
  // Only the statements about this action and resource decide, so only their condition keys are tried.
  const relevant = statements.filter((statement) => covers(statement, action, resource));
  if (!relevant.some((statement) => statement.effect === 'Allow')) return undefined;
  const candidates = new Map<string, Array<string | typeof ABSENT>>();
  for (const statement of relevant) {
    for (const condition of statement.conditions) {
      const key = condition.variable.toLowerCase();
      // A resource's tags are the resource's: a tag missing from the facts is absent, not the caller's pick.
      if (fixed.has(key) || key.startsWith('aws:resourcetag/')) continue;
      const values = candidates.get(key) ?? [ABSENT, 'value-named-nowhere'];
      for (const value of condition.values) if (!values.includes(value)) values.push(value);
      candidates.set(key, values);
    }
  }
  const keys = [...candidates.keys()];
  const combinations = keys.reduce((count, key) => count * candidates.get(key)!.length, 1);
  if (combinations > 200_000) throw new Error(`${action} on ${resource}: ${combinations} request contexts to try; narrow the facts`);
  const search = (index: number, context: Record<string, string | readonly string[] | undefined>): RequestContext | undefined => {
    if (index === keys.length) return isAllowed(relevant, action, resource, context) ? { ...context } : undefined;
    for (const value of candidates.get(keys[index]!)!) {
      const next = { ...context };
      if (value !== ABSENT) next[keys[index]!] = value;
      const found = search(index + 1, next);
      if (found) return found;
    }
    return undefined;
  };
  return search(0, { ...facts });
}

/** The action is allowed on some resource the statements name, under some request context. */
export function allowsAnywhere(statements: readonly Statement[], action: string, facts: RequestContext = {}): boolean {
  const granting = statements.filter((statement) => statement.effect === 'Allow' && coversAction(statement, action));
  const resources = new Set(['*', ...granting.flatMap((statement) => statement.resources ?? [])]);
  return [...resources].some((resource) => allowingContext(statements, action, resource, facts) !== undefined);
}

// ---- Generated Terraform JSON --------------------------------------------------------------------

type Block = Record<string, any>;
export interface TerraformJson {
  readonly provider?: { aws?: Block[] };
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
}

export interface GeneratedStack {
  readonly name: string;
  readonly json: TerraformJson;
}

export function generatedStacks(files: GeneratedFiles): GeneratedStack[] {
  return [...files.entries()]
    .filter(([file]) => /^terraform\/[^/]+\/cdk\.tf\.json$/.test(file))
    .map(([file, content]) => ({ name: file.split('/')[1]!, json: JSON.parse(content) as TerraformJson }));
}

/** Account and partition the fixture deploys to; what `data.aws_caller_identity` and `data.aws_partition` resolve to. */
export interface Deployment {
  readonly accountId: string;
  readonly partition: string;
}

/** Replaces the references a policy may hold with their values; any other reference fails, so nothing unevaluated passes. */
export function resolver(stack: GeneratedStack, deployment: Deployment): (value: string) => string {
  const { accountId, partition } = deployment;
  const known = new Map<string, string>([
    ['data.aws_partition.partition.partition', partition],
    ['data.aws_caller_identity.account.account_id', accountId],
  ]);
  for (const [id, provider] of Object.entries(stack.json.resource?.aws_iam_openid_connect_provider ?? {})) {
    known.set(`aws_iam_openid_connect_provider.${id}.arn`, `arn:${partition}:iam::${accountId}:oidc-provider/${String(provider.url).replace(/^https:\/\//, '')}`);
  }
  for (const [id, policy] of Object.entries(stack.json.resource?.aws_iam_policy ?? {})) {
    known.set(`aws_iam_policy.${id}.arn`, `arn:${partition}:iam::${accountId}:policy${policy.path ?? '/'}${policy.name}`);
  }
  return (value) =>
    value.replace(/\$\{([^}]*)\}/g, (_, reference: string) => {
      const resolved = known.get(reference);
      if (resolved === undefined) throw new Error(`${stack.name}: cannot resolve \${${reference}} in ${value}`);
      return resolved;
    });
}

/** The statements of a `data.aws_iam_policy_document`, references resolved. */
export function documentStatements(stack: GeneratedStack, reference: string, deployment: Deployment): Statement[] {
  const id = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(reference)?.[1];
  const document = id && stack.json.data?.aws_iam_policy_document?.[id];
  if (!document) throw new Error(`${stack.name}: policy ${reference} is not a reference to a data.aws_iam_policy_document`);
  const resolve = resolver(stack, deployment);
  const list = (values: unknown) => (Array.isArray(values) ? values.map((value) => resolve(String(value))) : undefined);
  return (document.statement as Block[]).map((statement) => ({
    sid: statement.sid,
    effect: statement.effect ?? 'Allow',
    actions: list(statement.actions),
    notActions: list(statement.not_actions),
    resources: list(statement.resources),
    notResources: list(statement.not_resources),
    conditions: ((statement.condition ?? []) as Block[]).map((condition) => ({ test: condition.test, variable: condition.variable, values: list(condition.values)! })),
  }));
}

export interface StackRole {
  readonly stack: string;
  readonly address: string;
  readonly name: string;
  readonly arn: string;
  readonly permissionsBoundary?: string;
}

export function rolesOf(stack: GeneratedStack, deployment: Deployment): StackRole[] {
  const resolve = resolver(stack, deployment);
  return Object.entries(stack.json.resource?.aws_iam_role ?? {}).map(([id, role]) => ({
    stack: stack.name,
    address: `aws_iam_role.${id}`,
    name: resolve(role.name),
    arn: `arn:${deployment.partition}:iam::${deployment.accountId}:role${resolve(role.path ?? '/')}${resolve(role.name)}`,
    ...(role.permissions_boundary ? { permissionsBoundary: resolve(role.permissions_boundary) } : {}),
  }));
}

/**
 * Everything the role may do: its inline policies. A managed policy attachment, an inline_policy block or
 * managed_policy_arns would grant what this file cannot see, so each fails instead.
 */
export function rolePolicy(stack: GeneratedStack, roleName: string, deployment: Deployment): Statement[] {
  const [id, role] = Object.entries(stack.json.resource?.aws_iam_role ?? {}).find(([, candidate]) => candidate.name === roleName) ?? [];
  if (!id) throw new Error(`${stack.name}: no aws_iam_role named ${roleName}`);
  if (role!.inline_policy || role!.managed_policy_arns) throw new Error(`${stack.name}: ${roleName} has inline_policy or managed_policy_arns, which this evaluation does not read`);
  const refersToRole = (value: unknown) => value === `\${aws_iam_role.${id}.name}` || value === `\${aws_iam_role.${id}.id}`;
  const attached = Object.values(stack.json.resource?.aws_iam_role_policy_attachment ?? {}).filter((attachment) => refersToRole(attachment.role));
  if (attached.length) throw new Error(`${stack.name}: ${roleName} has managed policies attached (${attached.map((a) => a.policy_arn).join(', ')}), which this evaluation does not read`);
  return Object.values(stack.json.resource?.aws_iam_role_policy ?? {})
    .filter((policy) => refersToRole(policy.role))
    .flatMap((policy) => documentStatements(stack, policy.policy, deployment));
}

/** Region and tags a resource of the stack is created with: its provider's region and default tags, then its own tags. */
export function placement(stack: GeneratedStack, resource: Block): { region: string; tags: Record<string, string> } {
  const alias = /^aws\.(.+)$/.exec(resource.provider ?? '')?.[1];
  const provider = (stack.json.provider?.aws ?? []).find((candidate) => (alias ? candidate.alias === alias : candidate.alias === undefined));
  if (!provider) throw new Error(`${stack.name}: no aws provider ${resource.provider ?? '(default)'}`);
  const defaults = provider.default_tags?.[0]?.tags ?? {};
  return { region: provider.region, tags: { ...defaults, ...(resource.tags ?? {}) } };
}

/** Condition keys a request about an existing tagged resource carries whatever the caller does. */
export function resourceFacts(region: string | undefined, tags: Readonly<Record<string, string>>): RequestContext {
  return {
    ...(region ? { 'aws:RequestedRegion': region } : {}),
    ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value])),
  };
}
