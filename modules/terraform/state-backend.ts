import { S3Backend, type TerraformStack } from 'cdktn';
import type { Global } from '../../schemas';

/** Where a stack's state lives in the state bucket; other stacks read its outputs from the same key. */
export function stateKey(state: Global['terraformState'], stackName: string): string {
  return `${state.keyPrefix}/${stackName}.tfstate`;
}

/**
 * Remote state in S3 with native lock files, one key per stack. Declared explicitly because the
 * default local backend writes the checkout's absolute path into the output.
 */
export function useStateBackend(stack: TerraformStack, state: Global['terraformState'], stackName: string): S3Backend {
  return new S3Backend(stack, {
    bucket: state.bucket,
    key: stateKey(state, stackName),
    region: state.region,
    encrypt: true,
    useLockfile: true,
  });
}
