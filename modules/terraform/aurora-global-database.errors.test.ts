import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { AuroraGlobalDatabase, type AuroraGlobalDatabaseProps } from './aurora-global-database';

const valid: AuroraGlobalDatabaseProps = {
  name: 'orders-orders-db-us-east-1',
  globalClusterIdentifier: 'orders-orders-db',
  role: 'primary',
  instanceClass: 'db.r6g.large',
  instances: 2,
  kmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/regional',
  vpcId: 'vpc-1',
  subnetIds: ['subnet-a', 'subnet-b'],
  clientCidrs: ['10.10.10.0/24'],
};
const build = (props: AuroraGlobalDatabaseProps) => new AuroraGlobalDatabase(scratchStack(), 'db', props);

describe('AuroraGlobalDatabase rejects', () => {
  it('a name that is not an RDS identifier', () => {
    expect(() => build({ ...valid, name: 'Orders--db' })).toThrow(
      'AuroraGlobalDatabase db: name: expected a lower-case RDS identifier of at most 53 characters, got "Orders--db"',
    );
  });

  it('a global cluster identifier that is not an RDS identifier', () => {
    expect(() => build({ ...valid, globalClusterIdentifier: 'orders-db-' })).toThrow(
      'AuroraGlobalDatabase db: globalClusterIdentifier: expected a lower-case RDS identifier of at most 63 characters, got "orders-db-"',
    );
  });

  it('an engine version that is not major.minor', () => {
    expect(() => build({ ...valid, engineVersion: '16' })).toThrow('AuroraGlobalDatabase db: engineVersion: expected an Aurora PostgreSQL version like "16.6", got "16"');
  });

  it('a primary without a writer instance', () => {
    expect(() => build({ ...valid, instances: 0 })).toThrow('AuroraGlobalDatabase db: instances: expected an integer in 1..15 for a primary cluster, got 0');
  });

  it('more instances than a cluster holds', () => {
    expect(() => build({ ...valid, role: 'secondary', instances: 16 })).toThrow('AuroraGlobalDatabase db: instances: expected an integer in 0..15 for a secondary cluster, got 16');
  });

  it('a backup retention RDS does not offer', () => {
    expect(() => build({ ...valid, backupRetentionDays: 0 })).toThrow('AuroraGlobalDatabase db: backupRetentionDays: expected an integer in 1..35, got 0');
  });

  it('a single database subnet', () => {
    expect(() => build({ ...valid, subnetIds: ['subnet-a'] })).toThrow('AuroraGlobalDatabase db: subnetIds: expected at least 2 subnets (two availability zones), got 1');
  });

  it('no client networks', () => {
    expect(() => build({ ...valid, clientCidrs: [] })).toThrow('AuroraGlobalDatabase db: clientCidrs: expected at least one CIDR block, got none');
  });

  it('the internet as a client network', () => {
    expect(() => build({ ...valid, clientCidrs: ['0.0.0.0/0'] })).toThrow(
      'AuroraGlobalDatabase db: clientCidrs: expected private IPv4 CIDR blocks (not 0.0.0.0/0), got "0.0.0.0/0"',
    );
  });
});
