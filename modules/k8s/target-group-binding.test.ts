import { describe, expect, it } from 'vitest';
import { exampleModel, manifestOf, synthChart } from '../../tests/helpers/k8s-chart';
import { TargetGroupBinding } from './target-group-binding';

const model = await exampleModel();
const region = model.regions[0]!;
const app = model.apps[0]!;

describe('TargetGroupBinding', () => {
  it("binds the root Service's first http port to the IP target group Terraform names after the region", () => {
    const withGrpc = { ...app, ports: [{ name: 'grpc', port: 9090, protocol: 'grpc' as const }, { name: 'web', port: 8081, protocol: 'http' as const }] };
    const manifests = synthChart((chart) => new TargetGroupBinding(chart, 'binding', { global: model.global, region, app: withGrpc }));
    expect(manifestOf(manifests, 'TargetGroupBinding', app.name)).toEqual(
      expect.objectContaining({
        apiVersion: 'elbv2.k8s.aws/v1beta1',
        metadata: expect.objectContaining({ namespace: app.name }),
        spec: { serviceRef: { name: app.name, port: 8081 }, targetGroupName: `${model.global.name}-${region.id}`, targetType: 'ip' },
      }),
    );
  });
});
