import { describe, expect, it } from 'vitest';
import type { App } from '../../schemas';
import { exampleModel, manifestOf, synthChart, type Manifest } from '../../tests/helpers/k8s-chart';
import { NetworkPolicies, type NetworkPoliciesProps } from './network-policies';

const model = await exampleModel();
const region = model.regions[0]!;
const peers = model.regions.filter((other) => other.id !== region.id);
const app = model.apps[0]!;
const http = app.ports.find((port) => port.protocol === 'http')!;
const appPods = { matchLabels: { 'app.kubernetes.io/name': app.name } };

const synth = (props: Partial<NetworkPoliciesProps> = {}): Manifest[] =>
  synthChart((chart) => new NetworkPolicies(chart, 'policies', { model, region, app, metricsPort: http.port, ...props }));
const policy = (manifests: Manifest[], name: string) => manifestOf(manifests, 'NetworkPolicy', name);
const names = (manifests: Manifest[]) => manifests.map((manifest) => manifest.metadata.name);
const storeOf = (store: string) => model.replication.dataSets.find((dataSet) => dataSet.store === store)!.name;

describe('NetworkPolicies', () => {
  it('denies all ingress and egress of every pod in the namespace by default', () => {
    expect(policy(synth(), 'default-deny')).toMatchObject({ metadata: { namespace: app.name }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
    expect(policy(synth(), 'default-deny').spec).not.toHaveProperty('ingress');
  });

  it("admits the region's public subnets, where the load balancer lives, on the load balancer port", () => {
    expect(policy(synth({ loadBalancerPort: http.port }), 'allow-load-balancer').spec).toEqual({
      podSelector: appPods,
      policyTypes: ['Ingress'],
      ingress: [{ from: region.network.subnets.public.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'TCP', port: http.port }] }],
    });
  });

  it('admits no load balancer to an app that is not the entry', () => {
    expect(names(synth())).not.toContain('allow-load-balancer');
  });

  it('admits Prometheus from the monitoring namespace on the metrics port only', () => {
    expect(policy(synth(), 'allow-prometheus').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: http.port }] },
    ]);
  });

  it('lets the pods resolve names through kube-dns over UDP and TCP', () => {
    expect(policy(synth(), 'allow-dns').spec).toEqual({
      podSelector: appPods,
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });
  });

  it('reaches HTTPS anywhere but the instance metadata service', () => {
    expect(policy(synth(), 'allow-https').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
  });

  it("reaches the stores of the app's data sets in its region and the peers, by port, on the subnets that hold them", () => {
    const ipBlocks = (tier: 'database' | 'private') => [region, ...peers].flatMap((where) => where.network.subnets[tier]).map((cidr) => ({ ipBlock: { cidr } }));
    const manifests = synth({ app: { ...app, dataSets: [storeOf('kafka'), storeOf('redis'), storeOf('aurora')] } });
    expect(policy(manifests, 'allow-data-stores').spec.egress).toEqual([
      { to: ipBlocks('database'), ports: [{ protocol: 'TCP', port: 5432 }] },
      { to: ipBlocks('database'), ports: [{ protocol: 'TCP', port: 6379 }] },
      { to: ipBlocks('private'), ports: [{ protocol: 'TCP', port: 9098 }] },
    ]);
  });

  it('opens no data store port for an app that uses only S3 (reached over HTTPS)', () => {
    expect(names(synth({ app: { ...app, dataSets: [storeOf('s3')] } }))).not.toContain('allow-data-stores');
  });

  it('lets the apps of the region call each other on their declared ports, and no app elsewhere', () => {
    const catalog: App = { ...app, name: 'catalog', ports: [{ name: 'grpc', port: 9090, protocol: 'grpc' }], regions: [region.id] };
    const elsewhere: App = { ...app, name: 'reports', regions: peers.map((peer) => peer.id) };
    const manifests = synth({ model: { ...model, apps: [catalog, app, elsewhere] } });
    const catalogPods = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'catalog' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'catalog' } } };
    expect(policy(manifests, 'allow-apps').spec).toEqual({
      podSelector: appPods,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [catalogPods], ports: app.ports.map((port) => ({ protocol: 'TCP', port: port.port })) }],
      egress: [{ to: [catalogPods], ports: [{ protocol: 'TCP', port: 9090 }] }],
    });
  });

  it('writes no app-to-app policy for the only app of a region', () => {
    expect(names(synth({ model: { ...model, apps: [app] } }))).not.toContain('allow-apps');
  });

  it('renders the policies in a fixed order', () => {
    expect(names(synth({ app: { ...app, dataSets: [storeOf('aurora')] }, loadBalancerPort: http.port }))).toEqual(['default-deny', 'allow-load-balancer', 'allow-prometheus', 'allow-dns', 'allow-data-stores', 'allow-https']);
  });
});
