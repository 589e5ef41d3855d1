import { describe, expect, it } from 'vitest';
import { awsCron, awsTags, COMPUTED_TAG_KEYS, codeownersPattern, gitRef, githubHandle, githubRepository, kubernetesPortName, singleLineText } from './limits';

const accepts = (schema: { safeParse(value: unknown): { success: boolean } }, values: unknown[]) =>
  expect(values.filter((value) => !schema.safeParse(value).success)).toEqual([]);

/** The limits refuse what the receiving systems refuse (tests/hostile-input.test.ts); they must not refuse more. */
describe('the free-text limits accept what their receiving system accepts', () => {
  it('AWS tags: spaces, colons, slashes, = + - @, an empty value, as many tags as AWS leaves beside the computed ones', () => {
    accepts(awsTags, [
      { 'cost center': 'finance/eu', 'owner:email': 'sre+oncall@example.com', 'data.class': 'a=b', empty: '' },
      Object.fromEntries(Array.from({ length: 50 - COMPUTED_TAG_KEYS.length }, (_, n) => [`t${n}`, 'x'])),
    ]);
  });

  it('CODEOWNERS patterns: globs, files, directories', () => {
    accepts(codeownersPattern, ['*', '/regions/', '/regions/replication-rules.yaml', '*.rego', 'docs/**/*.md', '/apps/orders-api.ts']);
  });

  it('GitHub handles: users, organisations and teams with hyphens, underscores and dots', () => {
    accepts(githubHandle, ['@octocat', '@a', `@${'a'.repeat(39)}`, '@example-org/platform', '@Example-Org/SRE_oncall', '@org/team.eu', '@a-b-c/x']);
  });

  it('GitHub repositories: dots, underscores and hyphens in the name', () => {
    accepts(githubRepository, ['example-org/orders-gitops', 'octocat/.github', 'org/repo_name.v2']);
  });

  it('AWS cron: names, ranges, steps, L, W and #', () => {
    accepts(awsCron, ['cron(0 5 ? * * *)', 'cron(0/15 * ? * MON-FRI *)', 'cron(0 12 L * ? 2027)', 'cron(0 8 ? * 6#3 *)', 'cron(0 0 15W JAN,JUL ? *)']);
  });

  it('git refs: slashes and dots inside', () => {
    accepts(gitRef, ['main', 'release/2026.12', 'feature/eu-west_1', 'v1.2.3']);
  });

  it('port names: letters, digits and inner hyphens up to 15', () => {
    accepts(kubernetesPortName, ['http', 'grpc', 'http-metrics', 'a1-b2-c3-d4-e5f']);
  });

  it('reasons: punctuation, markdown and non-Latin letters on one line', () => {
    accepts(singleLineText(10, 'a reason'), ['Black Friday to Cyber Monday peak; CAB emergency approval only.', 'Pipes | are escaped by the report; `code` too.', 'Wartung für München: Zeitfenster 02:00–04:00 UTC.']);
  });
});
