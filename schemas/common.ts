import { z } from 'zod';
import { parseCidr } from './cidr';

/**
 * AWS commercial regions the constructs know how to target. Extending this list is a reviewed
 * change: each region needs ACM, EKS, Aurora global database and MSK available.
 */
export const AWS_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'ca-central-1', 'sa-east-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'eu-south-1',
  'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
] as const;

/** Regions from which Route 53 can run health checkers. */
export const HEALTH_CHECKER_REGIONS = [
  'us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1',
  'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1',
] as const;

export const awsRegion = z.enum(AWS_REGIONS);
export type AwsRegion = z.infer<typeof awsRegion>;

export const healthCheckerRegion = z.enum(HEALTH_CHECKER_REGIONS);

/** A lower-case, dash-separated identifier usable in DNS labels, Kubernetes names and Terraform ids. */
export const slug = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { error: 'a lower-case kebab-case name like "orders-db"' })
  .max(40, { error: 'at most 40 characters' });

export const cidr = z.string().refine((value) => parseCidr(value) !== undefined, {
  error: 'an IPv4 CIDR block with zero host bits, like 10.20.0.0/16',
});

/** An inclusive integer range whose error message states both bounds. */
export function intRange(min: number, max: number) {
  const expected = `an integer in ${min}..${max}`;
  return z.number({ error: expected }).int({ error: expected }).min(min, { error: expected }).max(max, { error: expected });
}

export function numberRange(min: number, max: number) {
  const expected = `a number in ${min}..${max}`;
  return z.number({ error: expected }).min(min, { error: expected }).max(max, { error: expected });
}

export const dnsName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    error: 'a lower-case fully qualified domain name like api.example.com',
  });

export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { error: 'a lower-case DNS label like "api"' });

/** GitHub team or user handle as CODEOWNERS expects it. */
export { githubHandle as owner } from './limits';

/** A residency zone a region belongs to and a data set may be pinned to (e.g. "us", "eu"). */
export const residencyZone = z
  .string()
  .regex(/^[a-z]{2,12}$/, { error: 'a lower-case residency zone like "us" or "eu"' });

/**
 * Date-times are normalised to UTC (`2026-12-20T00:00:00.000Z`) so that, once validated, they order
 * correctly as plain strings: the policies compare them without a time library.
 */
export const isoDateTime = z.iso
  .datetime({ offset: true, error: 'an ISO-8601 date-time with offset, like 2026-12-20T00:00:00Z' })
  .transform((value) => new Date(value).toISOString());
