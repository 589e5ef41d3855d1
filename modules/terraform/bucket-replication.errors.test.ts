import { S3Bucket } from '@cdktn/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktn/provider-aws/lib/s3-bucket-versioning';
import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { BucketReplication, type BucketReplicationProps } from './bucket-replication';

const WEST = { awsRegion: 'us-west-2', bucketName: 'orders-order-documents-us-west-2' };

function build(props: Partial<BucketReplicationProps>): BucketReplication {
  const stack = scratchStack();
  const bucket = new S3Bucket(stack, 'bucket', { bucket: 'orders-order-documents-us-east-1' });
  const versioning = new S3BucketVersioningA(stack, 'versioning', { bucket: bucket.bucket, versioningConfiguration: { status: 'Enabled' } });
  return new BucketReplication(stack, 'replication', { bucket, versioning, awsRegion: 'us-east-1', destinations: [WEST], roleName: 'orders-replication', ...props });
}

describe('BucketReplication rejects', () => {
  it('two destinations in one region', () => {
    expect(() => build({ destinations: [WEST, { ...WEST, bucketName: 'other' }] })).toThrow(
      'BucketReplication replication: destinations[].awsRegion: expected one destination per region, got us-west-2 more than once',
    );
  });

  it("a destination in the bucket's own region", () => {
    expect(() => build({ destinations: [{ ...WEST, awsRegion: 'us-east-1' }] })).toThrow(
      "BucketReplication replication: destinations[].awsRegion: expected peer regions only, got the bucket's own region us-east-1",
    );
  });

  it('no destination at all', () => {
    expect(() => build({ destinations: [] })).toThrow('BucketReplication replication: destinations: expected at least one peer region, got none');
  });

  it('a role name IAM would refuse', () => {
    expect(() => build({ roleName: 'r'.repeat(65) })).toThrow(`BucketReplication replication: roleName: expected at most 64 characters, got 65 (${'r'.repeat(65)})`);
  });
});
