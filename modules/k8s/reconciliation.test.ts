import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Model, Region } from '../../schemas';
import { exampleModel, manifestOf, synthChart, type Manifest } from '../../tests/helpers/k8s-chart';
import { reconciliationRoleArn } from '../names';
import { manifestFolder } from './layout';
import { Reconciliation, reconciliationCommands, RECONCILIATION_IMAGE_DIGEST } from './reconciliation';
import { RECONCILIATION_SCRIPTS_DIR } from './reconciliation-scripts';

let model: Model;
let east: Region;
let manifests: Manifest[];

beforeAll(async () => {
  model = await exampleModel();
  east = model.regions.find((region) => region.id === 'us-east-1')!;
  manifests = synthChart((chart) => new Reconciliation(chart, 'reconciliation', { model, region: east }));
});

const jobs = () => manifests.filter((manifest) => manifest.kind === 'Job');
const envOf = (job: Manifest) => Object.fromEntries((job.spec.template.spec.containers[0].env as Array<{ name: string; value: string }>).map(({ name, value }) => [name, value]));

describe('Reconciliation', () => {
  it('has one Job and one ConfigMap per data set and peer region, each Job a Sync hook replaced on its next run', () => {
    expect(jobs().map((job) => job.metadata.name)).toEqual([
      'reconcile-orders-db-us-west-2',
      'reconcile-order-events-us-west-2',
      'reconcile-sessions-us-west-2',
      'reconcile-order-documents-us-west-2',
    ]);
    for (const job of jobs()) {
      expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '1', 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
      expect(manifestOf(manifests, 'ConfigMap', job.metadata.name).metadata.namespace).toBe('reconciliation');
      expect(job.spec.backoffLimit).toBe(0);
    }
  });

  it('carries the committed scripts byte for byte and runs the store’s entry script', () => {
    const configMap = manifestOf(manifests, 'ConfigMap', 'reconcile-orders-db-us-west-2');
    const committed = (file: string) => readFileSync(path.join(import.meta.dirname, '..', '..', RECONCILIATION_SCRIPTS_DIR, file), 'utf8');
    expect(configMap.data).toEqual({ 'aurora.sh': committed('aurora.sh'), 'common.sh': committed('common.sh'), 'postgres.sh': committed('postgres.sh') });
    expect(manifestOf(manifests, 'Job', 'reconcile-orders-db-us-west-2').spec.template.spec.containers[0].command).toEqual(['bash', '/opt/reconciliation/aurora.sh']);
    expect(manifestOf(manifests, 'Job', 'reconcile-sessions-us-west-2').spec.template.spec.containers[0].command).toEqual(['bash', '/opt/reconciliation/elasticache.sh']);
  });

  it('names both regions’ copies of the data set the way Terraform names them', () => {
    expect(envOf(manifestOf(manifests, 'Job', 'reconcile-orders-db-us-west-2'))).toMatchObject({
      RECON_DATA_SET: 'orders-db',
      RECON_LEFT_REGION: 'us-east-1',
      RECON_RIGHT_REGION: 'us-west-2',
      RECON_LEFT_RESOURCE: 'orders-orders-db-us-east-1',
      RECON_RIGHT_RESOURCE: 'orders-orders-db-us-west-2',
      RECON_DB_USER: 'reconciliation',
    });
    expect(envOf(manifestOf(manifests, 'Job', 'reconcile-order-events-us-west-2'))).toMatchObject({
      RECON_LEFT_RESOURCE: 'orders-us-east-1',
      RECON_RIGHT_RESOURCE: 'orders-us-west-2',
      RECON_TOPICS: 'orders.created orders.updated payments.settled',
      RECON_REPLICATORS: 'orders-us-east-1-to-us-west-2@us-west-2',
      RECON_MAX_MESSAGE_LAG: '5000',
      RECON_MAX_LATENCY_MS: '30000',
    });
    expect(envOf(manifestOf(manifests, 'Job', 'reconcile-order-events-us-west-2'))).not.toHaveProperty('RECON_MAX_OFFSET_GAP');
  });

  it('judges only the replicators that carry the data set’s own topics, not an active-active data set’s mirror back', () => {
    const withActiveActive = structuredClone(model);
    const events = withActiveActive.replication.dataSets.find((dataSet) => dataSet.name === 'order-events')!;
    withActiveActive.replication.dataSets.push({ ...events, name: 'click-events', mode: 'active-active', topics: ['clicks.recorded'] });
    const jobs = synthChart((chart) => new Reconciliation(chart, 'reconciliation', { model: withActiveActive, region: east }));
    expect(envOf(manifestOf(jobs, 'Job', 'reconcile-order-events-us-west-2')).RECON_REPLICATORS).toBe('orders-us-east-1-to-us-west-2@us-west-2');
  });

  it('runs the toolbox image by digest from the region’s own registry, as non-root with the restricted profile', () => {
    for (const job of jobs()) {
      const pod = job.spec.template.spec;
      expect(pod.containers[0].image).toBe(`123456789012.dkr.ecr.us-east-1.amazonaws.com/reconciliation-toolbox@${RECONCILIATION_IMAGE_DIGEST}`);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.containers[0].securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(pod.containers[0].resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '512Mi' } });
      expect(job.spec.template.metadata.labels).toMatchObject({ 'topology.example.com/region': 'us-east-1', owner: expect.any(String) });
    }
    expect(manifestOf(manifests, 'Namespace', 'reconciliation').metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  it('runs the Jobs as the reconciliation ServiceAccount, annotated with the role its region stack creates for it', () => {
    const annotations = manifestOf(manifests, 'ServiceAccount', 'reconciliation').metadata.annotations;
    expect(annotations?.['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/orders/us-east-1/orders-us-east-1-reconciliation');
    expect(annotations?.['eks.amazonaws.com/role-arn']).toBe(reconciliationRoleArn(model, east));
    for (const job of jobs()) expect(job.spec.template.spec.serviceAccountName).toBe('reconciliation');
  });

  it('is synced only by hand: its Application has no automated sync and no retries', () => {
    const application = manifestOf(manifests, 'Application', 'reconciliation');
    expect(application.spec.source.path).toBe('generated/k8s/us-east-1/reconciliation');
    expect(application.spec.syncPolicy.automated).toBeUndefined();
    expect(application.spec.syncPolicy.retry).toBeUndefined();
    expect(application.spec.project).toBe('reconciliation');
    expect(manifestFolder(application)).toBe('argocd');
  });

  it('lets the pods reach only DNS, the data stores of both regions and HTTPS', () => {
    const names = manifests.filter((manifest) => manifest.kind === 'NetworkPolicy').map((policy) => policy.metadata.name);
    expect(names).toEqual(['default-deny', 'allow-dns', 'allow-data-stores', 'allow-https']);
    const stores = manifestOf(manifests, 'NetworkPolicy', 'allow-data-stores');
    expect(stores.spec.egress.map((rule: { ports: Array<{ port: number }> }) => rule.ports[0]!.port)).toEqual([5432, 6379, 9098]);
    const databaseSubnets = model.regions.flatMap((region) => region.network.subnets.database);
    expect(stores.spec.egress[0].to).toEqual(databaseSubnets.map((cidr) => ({ ipBlock: { cidr } })));
  });

  it('names the operator’s commands: the manual sync, then one log per Job', () => {
    expect(reconciliationCommands(model, east)).toEqual([
      'argocd app sync argocd/reconciliation --timeout 3600',
      'kubectl --namespace reconciliation logs job/reconcile-orders-db-us-west-2',
      'kubectl --namespace reconciliation logs job/reconcile-order-events-us-west-2',
      'kubectl --namespace reconciliation logs job/reconcile-sessions-us-west-2',
      'kubectl --namespace reconciliation logs job/reconcile-order-documents-us-west-2',
    ]);
  });
});
