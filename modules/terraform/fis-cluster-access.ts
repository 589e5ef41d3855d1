import { EksAccessEntry } from '@cdktn/provider-aws/lib/eks-access-entry';
import { Token } from 'cdktn';
import { Construct } from 'constructs';

export interface FisClusterAccessProps {
  /** The region's EKS cluster (access-entry authentication). */
  readonly clusterName: string;
  /** The role the region's FIS experiments run as. */
  readonly roleArn: string;
  /** The Kubernetes user the role becomes; the RoleBinding FIS's pod actions need binds this name. */
  readonly userName: string;
}

/** A Kubernetes user name without the `system:`-style prefixes EKS reserves: a DNS label. */
const USER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** An IAM role; EKS maps no STS session and no user is wanted here. */
const ROLE_ARN = /^arn:[a-z-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/**
 * Lets the region's FIS experiment role into its cluster for the `aws:eks:pod-*` actions, as the FIS
 * guide asks: an EKS access entry mapping the role to one Kubernetes user, with no Kubernetes group and
 * no EKS access policy, so the role can do in the cluster exactly what RBAC binds to that user (the Role
 * of FisExperimentAccess in the entry app's namespace) and nothing else.
 */
export class FisClusterAccess extends Construct {
  readonly entry: EksAccessEntry;

  constructor(scope: Construct, id: string, props: FisClusterAccessProps) {
    super(scope, id);
    const fail = (path: string, expected: string, got: string) => new Error(`FisClusterAccess ${id}: ${path}: expected ${expected}, got ${JSON.stringify(got)}`);
    if (!USER_NAME.test(props.userName)) throw fail('userName', 'a Kubernetes user name of lowercase letters, digits and hyphens (EKS reserves system:, eks:, aws:, amazon: and iam:)', props.userName);
    if (!Token.isUnresolved(props.roleArn) && !ROLE_ARN.test(props.roleArn)) throw fail('roleArn', 'the ARN of an IAM role', props.roleArn);

    this.entry = new EksAccessEntry(this, 'entry', {
      clusterName: props.clusterName,
      principalArn: props.roleArn,
      type: 'STANDARD',
      userName: props.userName,
      tags: { Name: `${props.clusterName}-${props.userName}` },
    });
  }
}
