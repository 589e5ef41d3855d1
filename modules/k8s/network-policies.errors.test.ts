import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { exampleModel } from '../../tests/helpers/k8s-chart';
import { NetworkPolicies, type NetworkPoliciesProps } from './network-policies';

const model = await exampleModel();
const region = model.regions[0]!;
const app = model.apps[0]!;
const declared = app.ports.map((port) => port.port).join(', ');
const build = (props: Partial<NetworkPoliciesProps>) => new NetworkPolicies(new Chart(Testing.app(), 'test'), 'policies', { model, region, app, metricsPort: app.ports[0]!.port, ...props });

describe('NetworkPolicies rejects', () => {
  it('a metrics port the app does not declare', () => {
    expect(() => build({ metricsPort: 9999 })).toThrow(`NetworkPolicies policies: metricsPort: expected one of the app's ports (${declared}), got 9999`);
  });

  it('a load balancer port the app does not declare', () => {
    expect(() => build({ loadBalancerPort: 9999 })).toThrow(`NetworkPolicies policies: loadBalancerPort: expected one of the app's ports (${declared}), got 9999`);
  });
});
