import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { CiRoles, type CiRolesProps } from './ci-roles';

const valid: CiRolesProps = {
  name: 'orders',
  repository: 'acme/orders-gitops',
  stateBucket: 'acme-tfstate',
  stateKeyPrefix: 'multi-region/prod',
  stateRegion: 'us-east-1',
  regions: [
    { id: 'use1', awsRegion: 'us-east-1', clusterName: 'orders-use1' },
    { id: 'usw2', awsRegion: 'us-west-2', clusterName: 'orders-usw2' },
  ],
};
const build = (props: CiRolesProps) => new CiRoles(scratchStack(), 'ci', props);

describe('CiRoles rejects', () => {
  it('a repository that is not owner/name', () => {
    expect(() => build({ ...valid, repository: 'https://github.com/acme/orders' })).toThrow(
      'CiRoles ci: repository: expected a GitHub repository as owner/name, got "https://github.com/acme/orders"',
    );
  });

  it('a default branch an OIDC subject cannot name exactly', () => {
    expect(() => build({ ...valid, defaultBranch: 'main:*' })).toThrow(
      'CiRoles ci: defaultBranch: expected a branch name of letters, digits and ._/- (an OIDC subject cannot carry more), got "main:*"',
    );
  });

  it('two regions with the same id', () => {
    expect(() => build({ ...valid, regions: [{ id: 'use1', awsRegion: 'us-east-1', clusterName: 'orders-use1' }, { id: 'use1', awsRegion: 'us-west-2', clusterName: 'orders-use1' }] })).toThrow(
      'CiRoles ci: regions[].id: expected ids unique and distinct from globalStackName, got "use1" twice',
    );
  });

  it('a region named like the global stack', () => {
    expect(() => build({ ...valid, regions: [{ id: 'global', awsRegion: 'us-east-1', clusterName: 'orders-global' }] })).toThrow(
      'CiRoles ci: regions[].id: expected ids unique and distinct from globalStackName, got "global" twice',
    );
  });

  it('a project name that would put the stacks\' roles under the CI path', () => {
    expect(() => build({ ...valid, name: 'ci' })).toThrow('CiRoles ci: name: expected a name whose role paths stay outside /ci/, got "ci"');
  });

  it('a region id that extends another with a hyphen, whose Automation documents the other region could rewrite', () => {
    expect(() => build({ ...valid, regions: [valid.regions[0]!, { id: 'use1-dr', awsRegion: 'us-west-2', clusterName: 'orders-use1-dr' }] })).toThrow(
      'CiRoles ci: regions[].id: expected no id that extends another with \'-\' (the Automation documents of use1 are confined to orders-use1-*, which takes in use1-dr\'s), got "use1" and "use1-dr"',
    );
  });

  it('reading the state of a region that does not exist', () => {
    expect(() => build({ ...valid, regions: [valid.regions[0]!, { ...valid.regions[1]!, readsStateOf: ['euw1'] }] })).toThrow(
      'CiRoles ci: regions[usw2].readsStateOf: expected ids of other regions (use1), got "euw1"',
    );
  });
});
