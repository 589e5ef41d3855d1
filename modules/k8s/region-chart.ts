import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { App, Global, Region } from '../../schemas';

export interface RegionChartProps {
  readonly region: Region;
  /** The other regions, named in each pod's environment so services know where to fail over to. */
  readonly peers: readonly Region[];
  /** Apps that run in this region. */
  readonly apps: readonly App[];
  readonly global: Global;
}

/**
 * What Argo CD syncs into one region's cluster: a namespace per app, enforcing the restricted pod
 * security standard, and the region metadata every pod reads (role, peers, read-only mode).
 */
export class RegionChart extends Chart {
  constructor(scope: Construct, id: string, props: RegionChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { region, peers, global } = props;
    const regionLabels = {
      'app.kubernetes.io/part-of': global.name,
      'app.kubernetes.io/managed-by': 'argocd',
      'topology.example.com/region': region.id,
    };
    for (const app of props.apps) {
      const labels = { ...regionLabels, 'app.kubernetes.io/name': app.name, owner: app.owner.replace(/^@/, '').replace(/\//g, '.') };
      new ApiObject(this, `${app.name}-namespace`, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: app.name,
          labels: {
            ...labels,
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
          },
        },
      });
      new ApiObject(this, `${app.name}-region-metadata`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'region-metadata', namespace: app.name, labels },
        data: {
          REGION_ID: region.id,
          AWS_REGION: region.awsRegion,
          REGION_ROLE: region.role,
          PEER_REGIONS: peers.map((peer) => peer.id).join(','),
          READ_ONLY: String(region.readOnly),
          READ_PREFERENCE: region.readPreference,
          RESIDENCY_ZONE: region.residency.zone,
        },
      });
    }
  }
}
