import { S3Backend, type TerraformStack } from 'cdktn';
import type { Global } from '../../schemas';

/**
 * Remote state in S3 with native lock files, one key per stack. Declared explicitly because the
 * default local backend writes the checkout's absolute path into the output.
 */
export function useStateBackend(stack: TerraformStack, state: Global['terraformState'], stackName: string): S3Backend {
  return new S3Backend(stack, {
    bucket: state.bucket,
    key: `${state.keyPrefix}/${stackName}.tfstate`,
    region: state.region,
    encrypt: true,
    useLockfile: true,
  });
}
