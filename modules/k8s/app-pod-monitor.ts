import type { IPodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { Construct } from 'constructs';
import type { App, Global, Region } from '../../schemas';
import { addManifest } from './kubernetes-object';
import { appLabels, appSelector } from './labels';
import { PROMETHEUS_SELECTOR_LABEL } from './monitoring';

/** Label every scraped series carries with the region's id, so rules and dashboards can group by region. */
export const REGION_METRIC_LABEL = 'region';
// rate() over the canary analysis' 2-minute window wants several samples per pod; 15 s gives eight.
const SCRAPE_INTERVAL = '15s';

export interface AppPodMonitorProps {
  readonly global: Global;
  readonly region: Region;
  /** The app whose pods serve `/metrics` on their first http port. */
  readonly app: App;
}

/**
 * The PodMonitor `<app>`: Prometheus scrapes `/metrics` on every pod of the app, stable and canary
 * alike. It keeps the pod label `rollouts-pod-template-hash` (as `rollouts_pod_template_hash`), which
 * is how the canary analysis tells the canary's series from the stable ones, and adds `region`.
 * Scraping pods rather than a Service sees every pod even while Argo Rollouts narrows the Services.
 */
export class AppPodMonitor extends Construct {
  /** The container port scraped. */
  readonly port: number;

  constructor(scope: Construct, id: string, props: AppPodMonitorProps) {
    super(scope, id);
    const { global, region, app } = props;
    const http = app.ports.find((port) => port.protocol === 'http');
    if (!http) {
      throw new Error(`AppPodMonitor ${id}: app.ports: expected an http port serving /metrics, got ${app.ports.map((port) => `${port.name} (${port.protocol} ${port.port})`).join(', ')}`);
    }
    this.port = http.port;
    addManifest<IPodMonitor>(this, 'pod-monitor', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      // The region's Prometheus selects PodMonitors by the same label as its rules and probes.
      metadata: { name: app.name, namespace: app.name, labels: { ...appLabels(global, region, app), [PROMETHEUS_SELECTOR_LABEL]: global.name } },
      spec: {
        selector: { matchLabels: appSelector(app) },
        podTargetLabels: ['rollouts-pod-template-hash'],
        podMetricsEndpoints: [
          {
            port: http.name,
            path: '/metrics',
            interval: SCRAPE_INTERVAL,
            relabelings: [{ action: 'replace', targetLabel: REGION_METRIC_LABEL, replacement: region.id }],
          },
        ],
      },
    });
  }
}
