import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { exampleModel } from '../../tests/helpers/k8s-chart';
import { AppPodMonitor } from './app-pod-monitor';

const model = await exampleModel();
const region = model.regions[0]!;
const app = model.apps[0]!;

describe('AppPodMonitor rejects', () => {
  it('an app without an http port serving metrics', () => {
    const tcpOnly = { ...app, ports: [{ name: 'raw', port: 7000, protocol: 'tcp' as const }] };
    expect(() => new AppPodMonitor(new Chart(Testing.app(), 'test'), 'pod-monitor', { global: model.global, region, app: tcpOnly })).toThrow(
      'AppPodMonitor pod-monitor: app.ports: expected an http port serving /metrics, got raw (tcp 7000)',
    );
  });
});
