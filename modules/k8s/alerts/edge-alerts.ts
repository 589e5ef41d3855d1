import type { Model, Region } from '../../../schemas';
import { selector } from '../service-metrics';
import { duration, type AlertDefinition } from './alert';
import { yaceMetric } from './cloudwatch';
import { healthCheckName } from '../../names';

/** CloudWatch publishes one data point a minute; two unhealthy minutes in a row rule out a single lost check. */
const EDGE_FOR_SECONDS = 120;

/**
 * What the edge thinks of every region: Route 53's health check on the global record and, when the
 * model has one, Global Accelerator's endpoint group health. Every region watches all of them, its own
 * included, so the alert reaches the pager through whichever region is still up; Alertmanager folds the
 * copies (group by `alertname`, `target_region`).
 */
export function edgeAlerts(model: Model): AlertDefinition[] {
  const { global } = model;
  return model.regions.flatMap((target): AlertDefinition[] => [
    ...(global.infrastructure.globalAccelerator ? [acceleratorUnhealthy(target)] : []),
    healthCheckFailing(model, target),
  ]);
}

function acceleratorUnhealthy(target: Region): AlertDefinition {
  const metric = yaceMetric('AWS/GlobalAccelerator', 'UnhealthyEndpointCount', 'Maximum');
  const group = { dimension_EndpointGroup: target.awsRegion };
  return {
    name: 'GlobalAcceleratorEndpointUnhealthy',
    severity: 'critical',
    expr: `max(${metric}${selector(group)}) > 0`,
    forSeconds: EDGE_FOR_SECONDS,
    summary: `Global Accelerator finds the ${target.id} load balancer unhealthy`,
    description:
      `Global Accelerator's health checks of ${target.id}'s load balancer (endpoint group ${target.awsRegion}, HTTPS ${target.healthCheck.path}) ` +
      `have failed for ${duration(EDGE_FOR_SECONDS)}: the accelerator is sending ${target.id}'s traffic to other regions.`,
    labels: { target_region: target.id },
    test: { series: [{ series: `${metric}${selector(group)}`, kind: 'gauge', quiet: 0, fire: 1 }], windowSeconds: 0 },
  };
}

/** Route 53's health check of `target` on the global record, as YACE exports it: 1 while healthy, 0 while not. */
export function route53HealthCheck(model: Model, target: Region): { metric: string; matchers: Record<string, string> } {
  return { metric: yaceMetric('AWS/Route53', 'HealthCheckStatus', 'Minimum'), matchers: { tag_Name: healthCheckName(model.global, target) } };
}

/** PromQL: 1 while Route 53 finds `target` healthy, 0 while not; no sample when YACE exports nothing for it. */
export function route53HealthStatus(model: Model, target: Region): string {
  const { metric, matchers } = route53HealthCheck(model, target);
  return `min(${metric}${selector(matchers)})`;
}

function healthCheckFailing(model: Model, target: Region): AlertDefinition {
  const { metric, matchers: check } = route53HealthCheck(model, target);
  const record = `${model.global.dns.record}.${model.global.dns.zone}`;
  return {
    name: 'Route53HealthCheckFailing',
    severity: 'critical',
    expr: `${route53HealthStatus(model, target)} < 1`,
    forSeconds: EDGE_FOR_SECONDS,
    summary: `Route 53 finds ${target.id} unhealthy and answers ${record} without it`,
    description:
      `The Route 53 health check of https://${target.dns.regionalRecord}.${target.dns.zone}${target.healthCheck.path} ` +
      `has reported unhealthy for ${duration(EDGE_FOR_SECONDS)}: ${record} no longer resolves to ${target.id}.`,
    labels: { target_region: target.id },
    test: { series: [{ series: `${metric}${selector(check)}`, kind: 'gauge', quiet: 1, fire: 0 }], windowSeconds: 0 },
  };
}
