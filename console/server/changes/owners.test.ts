import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../schemas';
import { codeownersMatches, reviewersFor } from './owners';

const REPO = path.resolve(import.meta.dirname, '..', '..', '..');

describe('reviewers from the owner rules, as CODEOWNERS reads them', () => {
  it('asks platform and SRE for a weight change, whose files the /regions/ rule and the catch-all own', async () => {
    const loaded = await loadModel(REPO);
    if (loaded.errors) throw new Error('the example does not load');
    const files = ['regions/us-east-1.ts', 'regions/us-west-2.ts', 'generated/terraform/global/cdk.tf.json'];
    expect(reviewersFor(loaded.model.global.owners, files, { organisation: 'example-org', requester: 'alice' })).toEqual({ users: [], teams: ['platform', 'sre'] });
  });

  it('lets the last matching rule win, so the replication rules go to the DBAs and SRE, not to platform', () => {
    const owners = [
      { path: '*', owners: ['@example-org/platform'] },
      { path: '/regions/', owners: ['@example-org/sre'] },
      { path: '/regions/replication-rules.yaml', owners: ['@example-org/dba'] },
    ];
    expect(reviewersFor(owners, ['regions/replication-rules.yaml'], { organisation: 'example-org', requester: 'alice' })).toEqual({ users: [], teams: ['dba'] });
  });

  it('never asks the requester, and leaves out teams of another organisation, which the forge would refuse', () => {
    const owners = [{ path: '*', owners: ['@Alice', '@bob', '@other-org/sre', '@Example-Org/platform'] }];
    expect(reviewersFor(owners, ['README.md'], { organisation: 'example-org', requester: 'alice' })).toEqual({ users: ['bob'], teams: ['platform'] });
  });

  it('matches patterns as the policies do', () => {
    expect(codeownersMatches('*', 'a/b.ts')).toBe(true);
    expect(codeownersMatches('/regions/', 'regions/us-east-1.ts')).toBe(true);
    expect(codeownersMatches('/regions/', 'regions')).toBe(false);
    expect(codeownersMatches('/regions/', 'apps/regions/x.ts')).toBe(false);
    expect(codeownersMatches('regions/', 'apps/regions/x.ts')).toBe(true);
    expect(codeownersMatches('*.yaml', 'apps/releases.yaml')).toBe(true);
    expect(codeownersMatches('docs/*', 'docs/a.md')).toBe(true);
    expect(codeownersMatches('docs/*', 'docs/adr/b.md')).toBe(false);
    expect(codeownersMatches('/apps/github', 'apps/github/x.ts')).toBe(true);
    expect(codeownersMatches('/generated/**/global/', 'generated/terraform/global/cdk.tf.json')).toBe(true);
    expect(codeownersMatches('/generated/**/global/', 'generated/global/cdk.tf.json')).toBe(true);
    expect(codeownersMatches('README.md', 'docs/README.md')).toBe(true);
  });
});
