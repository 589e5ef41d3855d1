import { Token } from 'cdktn';
import { DataAwsIamPolicyDocument } from '@cdktn/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktn/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktn/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { stackRoleConfig } from './stack-roles';

export interface WorkloadPermission {
  /** Statement id, letters and digits, unique within the role, e.g. `ReadOrderDocuments`. */
  readonly sid: string;
  /** Named actions, e.g. `s3:GetObject`; `*` and `<service>:*` are refused. */
  readonly actions: readonly string[];
  /** ARNs the actions apply to; at least one. */
  readonly resources: readonly string[];
  /** IAM condition blocks, e.g. `{ test: 'StringEquals', variable: 's3:prefix', values: ['orders/'] }`. */
  readonly conditions?: readonly { readonly test: string; readonly variable: string; readonly values: readonly string[] }[];
}

export interface WorkloadRoleProps {
  /** IAM role name, at most 64 characters, e.g. `orders-us-east-1-api`. */
  readonly name: string;
  /** ARN of the cluster's IAM OIDC provider (`EksCluster.oidcProviderArn`). */
  readonly oidcProviderArn: string;
  /** The issuer without scheme, `oidc.eks.<region>.amazonaws.com/id/<id>` (`EksCluster.oidcIssuer`). */
  readonly oidcIssuer: string;
  /** Kubernetes namespace of the service account. */
  readonly namespace: string;
  /** Name of the one service account allowed to assume the role. */
  readonly serviceAccount: string;
  /** What the workload may do; none leaves the role without a policy. */
  readonly statements: readonly WorkloadPermission[];
}

// Data services whose `*` resource would reach every bucket, broker or database user in the account.
const RESOURCE_SCOPED_SERVICES = ['s3', 'kafka-cluster', 'rds-db'];
const SESSION_SECONDS = 3600;

/**
 * The IAM role of one Kubernetes service account (IRSA): only tokens the cluster issues for exactly
 * that namespace and name, minted for STS, can assume it, for an hour at most. Its permissions are
 * named actions on named resources; wildcards are refused at synthesis rather than found in review.
 */
export class WorkloadRole extends Construct {
  readonly role: IamRole;
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: WorkloadRoleProps) {
    super(scope, id);
    validate(id, props);
    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [
        {
          sid: 'ServiceAccountAssumesRole',
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [props.oidcProviderArn] }],
          condition: [
            { test: 'StringEquals', variable: `${props.oidcIssuer}:sub`, values: [`system:serviceaccount:${props.namespace}:${props.serviceAccount}`] },
            { test: 'StringEquals', variable: `${props.oidcIssuer}:aud`, values: ['sts.amazonaws.com'] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, 'role', {
      name: props.name,
      description: `Service account ${props.namespace}/${props.serviceAccount}`,
      assumeRolePolicy: trust.json,
      maxSessionDuration: SESSION_SECONDS,
      tags: { Name: props.name },
      ...stackRoleConfig(this),
    });
    this.roleArn = this.role.arn;
    // A workload that touches no data set gets a role all the same (its pods run under it) but no policy: IAM refuses an empty one.
    if (props.statements.length === 0) return;
    const permissions = new DataAwsIamPolicyDocument(this, 'permissions', {
      statement: props.statements.map((statement) => ({
        sid: statement.sid,
        effect: 'Allow',
        actions: [...statement.actions],
        resources: [...statement.resources],
        condition: statement.conditions?.map((condition) => ({ ...condition, values: [...condition.values] })),
      })),
    });
    new IamRolePolicy(this, 'permissions-policy', { name: 'workload', role: this.role.id, policy: permissions.json });
  }
}

function validate(id: string, props: WorkloadRoleProps): void {
  const fail = (path: string, expected: string, got: unknown): never => {
    throw new Error(`WorkloadRole ${id}: ${path}: expected ${expected}, got ${JSON.stringify(got)}`);
  };
  const known = (value: string) => !Token.isUnresolved(value);
  if (known(props.name) && !/^[\w+=,.@-]{1,64}$/.test(props.name)) fail('name', 'an IAM role name of at most 64 characters from [A-Za-z0-9+=,.@_-]', props.name);
  if (known(props.oidcIssuer) && /^[a-z]+:\/\//i.test(props.oidcIssuer)) fail('oidcIssuer', 'the issuer without scheme, like "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"', props.oidcIssuer);
  if (known(props.namespace) && !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(props.namespace)) fail('namespace', 'a Kubernetes namespace (lower-case DNS label)', props.namespace);
  if (known(props.serviceAccount) && !/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(props.serviceAccount)) {
    fail('serviceAccount', 'a Kubernetes service account name (lower-case DNS subdomain)', props.serviceAccount);
  }
  const sids = new Set<string>();
  props.statements.forEach((statement, index) => {
    const path = `statements[${index}]`;
    if (!/^[A-Za-z0-9]+$/.test(statement.sid)) fail(`${path}.sid`, 'letters and digits only', statement.sid);
    if (sids.has(statement.sid)) fail(`${path}.sid`, 'a sid unique within the role', statement.sid);
    sids.add(statement.sid);
    if (statement.actions.length === 0) fail(`${path}.actions`, 'at least one action', []);
    statement.actions.forEach((action, actionIndex) => {
      if (!/^[a-z0-9-]+:[A-Za-z0-9*]+$/.test(action) || action.endsWith(':*')) {
        fail(`${path}.actions[${actionIndex}]`, 'a named action like "s3:GetObject" (no "*" or "<service>:*")', action);
      }
    });
    if (statement.resources.length === 0) fail(`${path}.resources`, 'at least one resource ARN', []);
    const scoped = statement.actions.filter((action) => RESOURCE_SCOPED_SERVICES.includes(action.split(':')[0]!));
    statement.resources.forEach((resource, resourceIndex) => {
      if (resource === '*' && scoped.length > 0) {
        fail(`${path}.resources[${resourceIndex}]`, `resource ARNs for ${scoped.join(', ')} ("*" reaches every one in the account)`, resource);
      }
    });
  });
}
