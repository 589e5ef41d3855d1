import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { ReplicatedBucket, type ReplicatedBucketProps } from './replicated-bucket';

const WEST = { awsRegion: 'us-west-2', bucketName: 'orders-order-documents-us-west-2', kmsKeyArn: 'arn:aws:kms:us-west-2:111122223333:key/west' };
const valid: ReplicatedBucketProps = {
  bucketName: 'orders-order-documents-us-east-1',
  awsRegion: 'us-east-1',
  kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/east',
  destinations: [WEST],
  replicationTimeControl: true,
};
const build = (props: ReplicatedBucketProps) => new ReplicatedBucket(scratchStack(), 'documents', props);

describe('ReplicatedBucket rejects', () => {
  it('a replicating bucket whose name leaves no room for the role name', () => {
    expect(() => build({ ...valid, bucketName: 'a'.repeat(53) })).toThrow(
      'ReplicatedBucket documents: bucketName: expected at most 52 characters to name the replication role <bucketName>-replication, got 53',
    );
  });
});
