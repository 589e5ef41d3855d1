import { ApiObject, JsonPatch } from 'cdk8s';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Construct } from 'constructs';
import { lagAlertMessages, type DataSet, type Model, type Region } from '../../schemas';
import { kafkaMirrorsOf, type KafkaMirror } from '../kafka-mirrors';
import { dataSetResourceName, RECONCILIATION, RECONCILIATION_DATA_USER, reconciledDataSets, reconciliationRoleArn, regionResourceName } from '../names';
import { ArgoCdApplication } from './argo-cd-application';
import { ArgoCdProject, type ResourceKind } from './argo-cd-project';
import { addManifest } from './kubernetes-object';
import { regionLabels, SYNC_WAVE } from './labels';
import { ARGOCD_NAMESPACE, regionFolder } from './layout';
import { dataStoreEgress } from './network-policies';
import { STORE_SCRIPTS, storeScripts } from './reconciliation-scripts';
import { ARGOCD_WAVES } from './region-argo-cd';

/** The only database Terraform creates in each Aurora cluster. */
export const RECONCILIATION_DATABASE = 'postgres';
/** Where the toolbox image keeps the RDS certificate authorities (https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem). */
export const RDS_CA_BUNDLE = '/etc/ssl/certs/rds-global-bundle.pem';

/**
 * The toolbox image every reconciliation Job runs, from the region's own ECR repository, pinned by
 * digest and signed like the apps' images (the cluster's verify-image-signatures policy checks it). It
 * carries bash, coreutils, psql 15+, redis-cli 7+, the AWS CLI v2, python3 with botocore, Kafka's CLI
 * tools with the aws-msk-iam-auth library on their class path, and {@link RDS_CA_BUNDLE}. The digest
 * below is the example model's, as the example apps' images are; CI replaces it with the one it pushed.
 */
export const RECONCILIATION_IMAGE_REPOSITORY = 'reconciliation-toolbox';
export const RECONCILIATION_IMAGE_DIGEST = 'sha256:4c1f0a6e2b9d8c7e5f3a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e';

const SCRIPTS_DIR = '/opt/reconciliation';
const NON_ROOT_ID = 65532;
/** Row and object listings of the differing tables and buckets are sorted on disk. */
const SCRATCH_SIZE_LIMIT = '2Gi';
/** A comparison that has not finished in an hour is stuck on a connection, not still counting. */
const DEADLINE_SECONDS = 3600;

/** What the reconciliation project may create in its namespace. */
export const RECONCILIATION_KINDS: readonly ResourceKind[] = [
  { group: '', kind: 'ServiceAccount' },
  { group: '', kind: 'ConfigMap' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'batch', kind: 'Job' },
];

/** Name of the Job (and its ConfigMap) comparing a data set in the Job's region with `peer`. */
export function reconciliationJobName(dataSet: DataSet, peer: Region): string {
  return `reconcile-${dataSet.name}-${peer.id}`;
}

/**
 * The commands an operator runs in a region after a failover or failback, with the Argo CD CLI logged in
 * to that region's Argo CD and kubectl pointed at its cluster: the sync runs every Job of the region,
 * and each Job's log is its report.
 */
export function reconciliationCommands(model: Model, region: Region): string[] {
  const jobs = reconciledDataSets(model).flatMap((dataSet) =>
    peersOf(model, region).map((peer) => `kubectl --namespace ${RECONCILIATION} logs job/${reconciliationJobName(dataSet, peer)}`),
  );
  return [`argocd app sync ${ARGOCD_NAMESPACE}/${RECONCILIATION} --timeout ${DEADLINE_SECONDS}`, ...jobs];
}

export interface ReconciliationProps {
  readonly model: Model;
  /** The region whose cluster runs the Jobs; each compares this region's copy with every peer's. */
  readonly region: Region;
}

/**
 * The reconciliation Jobs of one region, in their own folder `generated/k8s/<region>/reconciliation/`
 * synced by their own Argo CD Application, which has no automated sync: a Job runs only when an operator
 * syncs that Application after a failover or failback ({@link reconciliationCommands}), never on the
 * every-merge syncs of the other Applications. Each Job is a Sync hook deleted before its next run
 * (BeforeHookCreation), so a sync always starts fresh Jobs and the previous report stays readable until then.
 *
 * Per data set and peer region, a ConfigMap carries the store's scripts (`modules/k8s/reconciliation/`,
 * byte for byte) and a Job runs them: Aurora PostgreSQL row counts, checksums and differing rows by
 * primary key; S3 object inventories; Kafka partitions and the MSK Replicators' lag and failures against the
 * data set's thresholds (offsets are not preserved across a replicator); Redis key counts. The pods run the toolbox image as non-root with
 * the restricted pod security profile, reach only DNS, the data stores' ports in every region and
 * HTTPS (AWS APIs), and act through the IRSA role {@link reconciliationRoleArn}, which each region
 * stack creates (modules/terraform/reconciliation-role.ts). An app named `reconciliation` would share
 * their namespace; RegionArgoCd refuses one.
 */
export class Reconciliation extends Construct {
  constructor(scope: Construct, id: string, props: ReconciliationProps) {
    super(scope, id);
    const { model, region } = props;
    const { global } = model;
    const labels = regionLabels(global, region);
    const peers = peersOf(model, region);

    new ArgoCdProject(this, 'project', {
      name: RECONCILIATION,
      description: `Reconciliation Jobs of ${region.id}, run by a manual sync after a failover or failback`,
      sourceRepo: global.delivery.repoURL,
      namespaces: [RECONCILIATION],
      clusterResources: [{ group: '', kind: 'Namespace', name: RECONCILIATION }],
      namespacedResources: RECONCILIATION_KINDS,
      warnOrphans: true,
      labels,
      wave: ARGOCD_WAVES.projects,
    });
    const application = new ArgoCdApplication(this, 'application', {
      name: RECONCILIATION,
      project: RECONCILIATION,
      delivery: global.delivery,
      path: regionFolder(region.id, RECONCILIATION),
      namespace: RECONCILIATION,
      wave: ARGOCD_WAVES.apps,
      labels,
    });
    // Synced by hand only: an automated sync would run every Job on each merge, and its retries would
    // rerun a Job that found differences, which is a result, not a transient failure.
    const manifest = application.node.findChild('application');
    if (!(manifest instanceof ApiObject)) throw new Error(`Reconciliation ${id}: expected ArgoCdApplication to hold its manifest as "application"`);
    manifest.addJsonPatch(JsonPatch.remove('/spec/syncPolicy/automated'), JsonPatch.remove('/spec/syncPolicy/retry'));

    const wave = (value: number) => ({ [SYNC_WAVE]: String(value) });
    addManifest<INamespace>(this, 'namespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: RECONCILIATION,
        labels: { ...labels, 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
        annotations: wave(-1),
      },
    });
    addManifest<IServiceAccount>(this, 'service-account', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: RECONCILIATION,
        namespace: RECONCILIATION,
        labels,
        annotations: {
          ...wave(0),
          'eks.amazonaws.com/role-arn': reconciliationRoleArn(model, region),
          'eks.amazonaws.com/sts-regional-endpoints': 'true',
        },
      },
    });
    this.networkPolicies(model, region, labels);

    const image = `${global.infrastructure.accountId}.dkr.ecr.${region.awsRegion}.amazonaws.com/${RECONCILIATION_IMAGE_REPOSITORY}@${RECONCILIATION_IMAGE_DIGEST}`;
    for (const dataSet of reconciledDataSets(model)) {
      const scripts = storeScripts(dataSet.store);
      for (const peer of peers) {
        const name = reconciliationJobName(dataSet, peer);
        const jobLabels = { ...labels, 'app.kubernetes.io/name': RECONCILIATION, 'reconciliation.example.com/data-set': dataSet.name };
        addManifest<IConfigMap>(this, `${name}-scripts`, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, namespace: RECONCILIATION, labels: jobLabels, annotations: wave(0) },
          data: scripts,
        });
        addManifest<IJob>(this, name, {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: {
            name,
            namespace: RECONCILIATION,
            labels: jobLabels,
            annotations: { ...wave(1), 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' },
          },
          spec: {
            // A difference is the answer, and a lost connection needs a person to look: never retried.
            backoffLimit: 0,
            activeDeadlineSeconds: DEADLINE_SECONDS,
            template: {
              metadata: { labels: jobLabels },
              spec: {
                serviceAccountName: RECONCILIATION,
                // The scripts never call the Kubernetes API; IRSA's webhook mounts its own projected STS token.
                automountServiceAccountToken: false,
                restartPolicy: 'Never',
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: NON_ROOT_ID,
                  runAsGroup: NON_ROOT_ID,
                  fsGroup: NON_ROOT_ID,
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                containers: [
                  {
                    name: 'reconcile',
                    image,
                    command: ['bash', `${SCRIPTS_DIR}/${STORE_SCRIPTS[dataSet.store].entry}`],
                    env: environment(model, dataSet, region, peer),
                    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '512Mi' } },
                    securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                    volumeMounts: [
                      { name: 'scripts', mountPath: SCRIPTS_DIR, readOnly: true },
                      { name: 'scratch', mountPath: '/tmp' },
                    ],
                  },
                ],
                volumes: [
                  { name: 'scripts', configMap: { name, defaultMode: 0o444 } },
                  { name: 'scratch', emptyDir: { sizeLimit: SCRATCH_SIZE_LIMIT } },
                ],
              },
            },
          },
        });
      }
    }
  }

  /** Default deny, then DNS, the data stores' ports in every region, and HTTPS for the AWS APIs but never instance metadata. */
  private networkPolicies(model: Model, region: Region, labels: Record<string, string>): void {
    const policy = (name: string, egress: NonNullable<INetworkPolicy['spec']>['egress']) =>
      addManifest<INetworkPolicy>(this, name, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name, namespace: RECONCILIATION, labels, annotations: { [SYNC_WAVE]: '0' } },
        spec: { podSelector: {}, policyTypes: egress ? ['Egress'] : ['Ingress', 'Egress'], ...(egress ? { egress } : {}) },
      });
    policy('default-deny', undefined);
    policy('allow-dns', [
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
    ]);
    const stores = dataStoreEgress(model, region, reconciledDataSets(model));
    if (stores.length) policy('allow-data-stores', stores);
    policy('allow-https', [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
  }
}

function peersOf(model: Model, region: Region): Region[] {
  return model.regions.filter((other) => other.id !== region.id);
}

/** The replicators carrying the data set's topics from `source` into `target`: another data set's mirror is not this one's lag. */
function mirrorsOf(model: Model, dataSet: DataSet, source: Region, target: Region): KafkaMirror[] {
  return kafkaMirrorsOf(model, dataSet, target).filter((mirror) => mirror.source.id === source.id);
}

/** The scripts' environment: who is left and right, where each side's store is, and the store's own settings. */
function environment(model: Model, dataSet: DataSet, region: Region, peer: Region): IEnvVar[] {
  const { global } = model;
  const resource = (where: Region) => (dataSet.store === 'kafka' ? regionResourceName(global, where) : dataSetResourceName(global, dataSet, where));
  const common: Record<string, string> = {
    RECON_DATA_SET: dataSet.name,
    RECON_LEFT_REGION: region.id,
    RECON_RIGHT_REGION: peer.id,
    RECON_LEFT_AWS_REGION: region.awsRegion,
    RECON_RIGHT_AWS_REGION: peer.awsRegion,
    RECON_LEFT_RESOURCE: resource(region),
    RECON_RIGHT_RESOURCE: resource(peer),
    AWS_REGION: region.awsRegion,
    TMPDIR: '/tmp',
  };
  const byStore: Record<DataSet['store'], Record<string, string>> = {
    aurora: { RECON_DATABASE: RECONCILIATION_DATABASE, RECON_DB_USER: RECONCILIATION_DATA_USER, RECON_RDS_CA_BUNDLE: RDS_CA_BUNDLE },
    redis: { RECON_REDIS_USER: RECONCILIATION_DATA_USER },
    kafka: {
      RECON_TOPICS: (dataSet.topics ?? []).join(' '),
      // Offsets are not comparable across an MSK Replicator (kafka.sh): the replicators' own lag is judged against the data set's thresholds.
      RECON_REPLICATORS: [...mirrorsOf(model, dataSet, region, peer), ...mirrorsOf(model, dataSet, peer, region)].map((mirror) => `${mirror.name}@${mirror.target.awsRegion}`).join(' '),
      RECON_MAX_MESSAGE_LAG: String(lagAlertMessages(dataSet)),
      RECON_MAX_LATENCY_MS: String(dataSet.lagAlertSeconds * 1000),
    },
    s3: {},
  };
  return Object.entries({ ...common, ...byStore[dataSet.store] }).map(([name, value]) => ({ name, value }));
}
