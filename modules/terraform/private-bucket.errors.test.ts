import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { PrivateBucket, type PrivateBucketProps } from './private-bucket';

const valid: PrivateBucketProps = { bucketName: 'orders-documents-us-east-1', encryption: 's3-managed', noncurrentVersionExpirationDays: 90 };
const build = (props: PrivateBucketProps) => new PrivateBucket(scratchStack(), 'documents', props);

describe('PrivateBucket rejects', () => {
  it('a bucket name S3 would refuse', () => {
    expect(() => build({ ...valid, bucketName: 'Orders_Documents' })).toThrow(
      'PrivateBucket documents: bucketName: expected 3-63 lowercase letters, digits, dots and hyphens, got "Orders_Documents"',
    );
  });

  it('a noncurrent version expiry below one day', () => {
    expect(() => build({ ...valid, noncurrentVersionExpirationDays: 0 })).toThrow(
      'PrivateBucket documents: noncurrentVersionExpirationDays: expected a whole number of days of at least 1, got 0',
    );
  });

  it('a fractional expiry', () => {
    expect(() => build({ ...valid, expirationDays: 1.5 })).toThrow('PrivateBucket documents: expirationDays: expected a whole number of days of at least 1, got 1.5');
  });
});
