import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyEgressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule';
import type { INetworkPolicyIngressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyIngressRule';
import { Construct } from 'constructs';
import { regionsOfApp, type App, type DataSet, type Model, type Region } from '../../schemas';
import { addManifest } from './kubernetes-object';
import { appLabels, appSelector } from './labels';
import { MONITORING_NAMESPACE } from './monitoring';

/** Where each VPC data store listens: the tier of subnets Terraform puts it in, and its port. */
export const DATA_STORES: Record<Exclude<DataSet['store'], 's3'>, { tier: 'database' | 'private'; port: number }> = {
  aurora: { tier: 'database', port: 5432 },
  redis: { tier: 'database', port: 6379 },
  // MSK brokers share the private subnets with the nodes; 9098 is their IAM-authenticated TLS listener.
  kafka: { tier: 'private', port: 9098 },
};
const INSTANCE_METADATA = '169.254.169.254/32';
const namespaceNamed = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
const tcp = (port: number) => ({ protocol: 'TCP' as const, port });

export interface NetworkPoliciesProps {
  /** The whole model: which data sets live in which store, the peer regions and the other apps. */
  readonly model: Model;
  readonly region: Region;
  readonly app: App;
  /** The port Prometheus scrapes; one of the app's ports. */
  readonly metricsPort: number;
  /**
   * The port the region's public load balancer sends requests and health checks to (the entry app's
   * http port); the region's public subnets, where the load balancer's nodes live, may reach it.
   * @default the load balancer reaches no pod of the app
   */
  readonly loadBalancerPort?: number;
}

/**
 * The NetworkPolicies of an app's namespace: `default-deny` refuses everything in and out, and each
 * `allow-*` policy admits one named flow of the app's pods. What the pods may reach follows from the
 * model: the data stores of the data sets the app names, in its region and in the peer regions (a
 * secondary writes to the primary's writer across the VPC peering), DNS, and HTTPS for AWS APIs (S3,
 * STS for IRSA) but never the instance metadata service, whose node credentials IRSA replaces.
 *
 * In-cluster callers are admitted by namespace and pod labels (the other apps of the system in this
 * region), not by the private subnets' CIDRs, which also hold every node and broker. Peer regions'
 * subnets are not admitted: pod addresses are not published across regions, so cross-region calls
 * arrive through the peer's public endpoint and the load balancer like any other client.
 * The kubelet's probes come from the node, which the policies never block.
 */
export class NetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
    const { model, region, app, metricsPort, loadBalancerPort } = props;
    const declared = app.ports.map((port) => port.port);
    const describeDeclared = declared.join(', ');
    if (!declared.includes(metricsPort)) {
      throw new Error(`NetworkPolicies ${id}: metricsPort: expected one of the app's ports (${describeDeclared}), got ${metricsPort}`);
    }
    if (loadBalancerPort !== undefined && !declared.includes(loadBalancerPort)) {
      throw new Error(`NetworkPolicies ${id}: loadBalancerPort: expected one of the app's ports (${describeDeclared}), got ${loadBalancerPort}`);
    }
    const labels = appLabels(model.global, region, app);
    const pods = { matchLabels: appSelector(app) };
    const policy = (name: string, spec: { ingress?: INetworkPolicyIngressRule[]; egress?: INetworkPolicyEgressRule[] }) =>
      addManifest<INetworkPolicy>(this, name, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name, namespace: app.name, labels },
        spec: { podSelector: pods, policyTypes: [...(spec.ingress ? ['Ingress' as const] : []), ...(spec.egress ? ['Egress' as const] : [])], ...spec },
      });

    addManifest<INetworkPolicy>(this, 'default-deny', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: app.name, labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    if (loadBalancerPort !== undefined) {
      policy('allow-load-balancer', {
        ingress: [{ from: region.network.subnets.public.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(loadBalancerPort)] }],
      });
    }
    policy('allow-prometheus', { ingress: [{ from: [{ namespaceSelector: namespaceNamed(MONITORING_NAMESPACE) }], ports: [tcp(metricsPort)] }] });

    const otherApps = model.apps.filter((other) => other.name !== app.name && regionsOfApp(model, other).some((where) => where.id === region.id));
    if (otherApps.length > 0) {
      const podsOf = (other: App) => ({ namespaceSelector: namespaceNamed(other.name), podSelector: { matchLabels: appSelector(other) } });
      policy('allow-apps', {
        ingress: [{ from: otherApps.map(podsOf), ports: declared.map(tcp) }],
        egress: otherApps.map((other) => ({ to: [podsOf(other)], ports: other.ports.map((port) => tcp(port.port)) })),
      });
    }

    policy('allow-dns', {
      egress: [
        {
          to: [{ namespaceSelector: namespaceNamed('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });

    const stores = dataStoreEgress(model, region, model.replication.dataSets.filter((dataSet) => app.dataSets.includes(dataSet.name)));
    if (stores.length > 0) policy('allow-data-stores', { egress: stores });

    policy('allow-https', {
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [INSTANCE_METADATA] } }], ports: [tcp(443)] }],
    });
  }
}

/**
 * Egress to the stores of the data sets, in this region and every peer, one rule per store, lowest port
 * first; none for S3, which is reached over HTTPS.
 */
export function dataStoreEgress(model: Model, region: Region, dataSets: readonly DataSet[]): INetworkPolicyEgressRule[] {
  const regions = [region, ...model.regions.filter((other) => other.id !== region.id)];
  return [...new Set(dataSets.map((dataSet) => dataSet.store))]
    .filter((store): store is keyof typeof DATA_STORES => store !== 's3')
    .map((store) => DATA_STORES[store])
    .sort((a, b) => a.port - b.port)
    .map(({ tier, port }) => ({ to: regions.flatMap((where) => where.network.subnets[tier]).map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(port)] }));
}
