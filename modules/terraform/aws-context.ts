import { TerraformStack } from 'cdktn';
import { DataAwsCallerIdentity } from '@cdktn/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktn/provider-aws/lib/data-aws-partition';
import type { Construct } from 'constructs';

const identities = new WeakMap<TerraformStack, DataAwsCallerIdentity>();
const partitions = new WeakMap<TerraformStack, DataAwsPartition>();

/**
 * The account the scope's stack deploys into, looked up once per stack (`data.aws_caller_identity.account`)
 * however many constructs build ARNs or conditions from it.
 */
export function callerIdentity(scope: Construct): DataAwsCallerIdentity {
  const stack = TerraformStack.of(scope);
  let identity = identities.get(stack);
  if (!identity) identities.set(stack, (identity = new DataAwsCallerIdentity(stack, 'account')));
  return identity;
}

/** The stack's AWS partition (`aws`, `aws-cn`, `aws-us-gov`), looked up once per stack, for ARNs. */
export function partitionOf(scope: Construct): DataAwsPartition {
  const stack = TerraformStack.of(scope);
  let partition = partitions.get(stack);
  if (!partition) partitions.set(stack, (partition = new DataAwsPartition(stack, 'partition')));
  return partition;
}
