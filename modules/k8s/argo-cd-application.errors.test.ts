import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ArgoCdApplication, type ArgoCdApplicationProps } from './argo-cd-application';

const props: ArgoCdApplicationProps = {
  name: 'shop',
  project: 'team',
  delivery: { repoURL: 'https://github.com/example-org/orders-gitops.git', targetRevision: 'main' },
  path: 'generated/k8s/us-east-1/shop',
  labels: {},
};
const build = (overrides: Partial<ArgoCdApplicationProps>) => () => new ArgoCdApplication(new Chart(Testing.app(), 'test'), 'application', { ...props, ...overrides });

describe('ArgoCdApplication rejects', () => {
  it('a folder outside generated/k8s', () => {
    expect(build({ path: 'apps' })).toThrow('ArgoCdApplication application: path: expected a folder under generated/k8s/ without empty, . or .. segments, got "apps"');
  });

  it('a folder that climbs out of generated/k8s', () => {
    expect(build({ path: 'generated/k8s/../terraform' })).toThrow('ArgoCdApplication application: path: expected a folder under generated/k8s/ without empty, . or .. segments, got "generated/k8s/../terraform"');
  });

  it('a fractional wave', () => {
    expect(build({ wave: -1.5 })).toThrow('ArgoCdApplication application: wave: expected an integer, got -1.5');
  });
});
