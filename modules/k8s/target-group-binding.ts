import { Construct } from 'constructs';
import type { App, Global, Region } from '../../schemas';
import { regionResourceName } from '../names';
import { addManifest, type TypedManifest } from './kubernetes-object';
import { appLabels } from './labels';

/**
 * The fields this repository sets of the AWS Load Balancer Controller's `TargetGroupBinding`
 * (`elbv2.k8s.aws/v1beta1`, CRD `config/crd/bases/elbv2.k8s.aws_targetgroupbindings.yaml` of
 * kubernetes-sigs/aws-load-balancer-controller), for which no typed model is published.
 */
export interface ITargetGroupBinding extends TypedManifest {
  apiVersion: 'elbv2.k8s.aws/v1beta1';
  kind: 'TargetGroupBinding';
  spec: {
    /** The Service whose endpoints become targets; `port` is a Service port's number or name. */
    serviceRef: { name: string; port: number | string };
    /** Looked up by name in the cluster's region; alternative to `targetGroupARN`. */
    targetGroupName?: string;
    targetGroupARN?: string;
    /** Must match the target group's own type. */
    targetType?: 'instance' | 'ip';
  };
}

export interface TargetGroupBindingProps {
  readonly global: Global;
  readonly region: Region;
  /** The region's entry app (`entryApp` in modules/names.ts): its first http port receives the load balancer's requests. */
  readonly app: App;
}

/**
 * Registers the entry app's pods in the target group of the region's public load balancer. Terraform
 * owns the load balancer and its IP target group (named `regionResourceName`) so their ARNs stay
 * stable for Global Accelerator and DNS; the controller only keeps the group's targets equal to the
 * ready endpoints of the Service `<app>`. The security-group rule admitting the load balancer is
 * Terraform's too, so the binding leaves `networking` unset.
 */
export class TargetGroupBinding extends Construct {
  /** The port requests reach the pods on: the Service port and container port of the app's first http port. */
  readonly port: number;

  constructor(scope: Construct, id: string, props: TargetGroupBindingProps) {
    super(scope, id);
    const { global, region, app } = props;
    const http = app.ports.find((port) => port.protocol === 'http');
    if (!http) {
      throw new Error(
        `TargetGroupBinding ${id}: app.ports: expected an http port for the load balancer to forward to, got ${app.ports.map((port) => `${port.name} (${port.protocol} ${port.port})`).join(', ')}`,
      );
    }
    this.port = http.port;
    addManifest<ITargetGroupBinding>(this, 'target-group-binding', {
      apiVersion: 'elbv2.k8s.aws/v1beta1',
      kind: 'TargetGroupBinding',
      metadata: { name: app.name, namespace: app.name, labels: appLabels(global, region, app) },
      spec: {
        serviceRef: { name: app.name, port: this.port },
        targetGroupName: regionResourceName(global, region),
        targetType: 'ip',
      },
    });
  }
}
