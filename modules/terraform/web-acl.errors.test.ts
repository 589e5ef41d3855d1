import { describe, expect, it } from 'vitest';
import { scratchStack } from '../../tests/helpers/scratch-stack';
import { WebAcl, type WebAclProps } from './web-acl';

const valid: WebAclProps = { name: 'orders-us-east-1', rateLimitPerFiveMinutes: 2000, kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/region' };
const build = (props: WebAclProps) => new WebAcl(scratchStack(), 'waf', props);

describe('WebAcl rejects', () => {
  it('a rate limit below what WAF accepts', () => {
    expect(() => build({ ...valid, rateLimitPerFiveMinutes: 99 })).toThrow('WebAcl waf: rateLimitPerFiveMinutes: expected a whole number from 100 to 2000000000, got 99');
  });

  it('a rate limit above what WAF accepts', () => {
    expect(() => build({ ...valid, rateLimitPerFiveMinutes: 2_000_000_001 })).toThrow(
      'WebAcl waf: rateLimitPerFiveMinutes: expected a whole number from 100 to 2000000000, got 2000000001',
    );
  });

  it('a fractional rate limit', () => {
    expect(() => build({ ...valid, rateLimitPerFiveMinutes: 150.5 })).toThrow('WebAcl waf: rateLimitPerFiveMinutes: expected a whole number from 100 to 2000000000, got 150.5');
  });

  it('a name WAF would refuse', () => {
    expect(() => build({ ...valid, name: 'orders us-east-1' })).toThrow('WebAcl waf: name: expected 1-115 letters, digits, hyphens and underscores, got "orders us-east-1"');
  });
});
