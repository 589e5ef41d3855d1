import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ArgoCdProject, type ArgoCdProjectProps } from './argo-cd-project';

const props: ArgoCdProjectProps = {
  name: 'team',
  description: 'A team',
  sourceRepo: 'https://github.com/example-org/orders-gitops.git',
  namespaces: ['team-a'],
  clusterResources: [],
  namespacedResources: [{ group: '', kind: 'ConfigMap' }],
  labels: {},
  wave: -3,
};
const build = (overrides: Partial<ArgoCdProjectProps>) => () => new ArgoCdProject(new Chart(Testing.app(), 'test'), 'project', { ...props, ...overrides });

describe('ArgoCdProject rejects', () => {
  it('a name that is not a DNS label', () => {
    expect(build({ name: 'Team' })).toThrow('ArgoCdProject project: name: expected a DNS label (lower-case letters, digits, -), got "Team"');
  });

  it('a repository pattern', () => {
    expect(build({ sourceRepo: 'https://github.com/example-org/*' })).toThrow('ArgoCdProject project: sourceRepo: expected one repository URL without wildcards, got "https://github.com/example-org/*"');
  });

  it('a namespace pattern', () => {
    expect(build({ namespaces: ['team-*'] })).toThrow('ArgoCdProject project: namespaces: expected namespace names without wildcards, got "team-*"');
  });

  it('a kind pattern', () => {
    expect(build({ namespacedResources: [{ group: '*', kind: '*' }] })).toThrow('ArgoCdProject project: clusterResources/namespacedResources: expected exact groups and kinds, got "*"/"*"');
  });

  it('a project no Application could use', () => {
    expect(build({ namespaces: [] })).toThrow('ArgoCdProject project: namespaces: expected at least one namespace, or clusterScopedApplications, got neither');
  });

  it('a fractional wave', () => {
    expect(build({ wave: 0.5 })).toThrow('ArgoCdProject project: wave: expected an integer, got 0.5');
  });
});
