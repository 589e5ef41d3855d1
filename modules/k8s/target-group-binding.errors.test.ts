import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { exampleModel } from '../../tests/helpers/k8s-chart';
import { TargetGroupBinding } from './target-group-binding';

const model = await exampleModel();
const region = model.regions[0]!;
const app = model.apps[0]!;

describe('TargetGroupBinding rejects', () => {
  it('an app without an http port for the load balancer', () => {
    const grpcOnly = { ...app, ports: [{ name: 'grpc', port: 9090, protocol: 'grpc' as const }] };
    expect(() => new TargetGroupBinding(new Chart(Testing.app(), 'test'), 'binding', { global: model.global, region, app: grpcOnly })).toThrow(
      'TargetGroupBinding binding: app.ports: expected an http port for the load balancer to forward to, got grpc (grpc 9090)',
    );
  });
});
