import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import { describe, expect, it } from 'vitest';
import { resourcesOf, scratchStack, synthScratch } from '../../tests/helpers/scratch-stack';
import { WebAcl } from './web-acl';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/region';
const synth = () => {
  const stack = scratchStack();
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new WebAcl(stack, 'waf', { name: 'orders-us-east-1', rateLimitPerFiveMinutes: 2000, kmsKeyArn: KEY });
  return synthScratch(stack);
};
const acl = () => resourcesOf(synth(), 'aws_wafv2_web_acl')[0]!;
const rules = () => acl().rule as Record<string, any>[];

describe('WebAcl', () => {
  it('is a regional ACL that allows what no rule blocks', () => {
    expect(acl()).toEqual(expect.objectContaining({ name: 'orders-us-east-1', scope: 'REGIONAL', default_action: { allow: {} } }));
  });

  it('first blocks any client IP over the rate limit', () => {
    expect(rules()[0]).toEqual(
      expect.objectContaining({ priority: 0, action: { block: {} }, statement: { rate_based_statement: { limit: 2000, aggregate_key_type: 'IP' } } }),
    );
  });

  it('then applies the AWS managed rule groups with their own actions', () => {
    expect(rules().slice(1)).toEqual(
      ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet'].map((name, index) =>
        expect.objectContaining({ priority: index + 1, override_action: { none: {} }, statement: { managed_rule_group_statement: { vendor_name: 'AWS', name } } }),
      ),
    );
  });

  it('publishes metrics and sampled requests for the ACL and every rule', () => {
    const configs = [acl().visibility_config, ...rules().map((rule) => rule.visibility_config)];
    for (const config of configs) expect(config).toEqual({ cloudwatch_metrics_enabled: true, sampled_requests_enabled: true, metric_name: expect.stringMatching(/^orders-us-east-1-/) });
    expect(new Set(configs.map((config) => config.metric_name)).size).toBe(configs.length);
  });

  it('logs to a KMS-encrypted log group with the prefix WAF requires, kept a year', () => {
    expect(resourcesOf(synth(), 'aws_cloudwatch_log_group')[0]).toEqual(expect.objectContaining({ name: 'aws-waf-logs-orders-us-east-1', kms_key_id: KEY, retention_in_days: 365 }));
  });

  it('logs every request of the ACL with credentials and sessions redacted', () => {
    const logging = resourcesOf(synth(), 'aws_wafv2_web_acl_logging_configuration')[0]!;
    expect(logging).toEqual(
      expect.objectContaining({
        resource_arn: expect.stringMatching(/^\$\{aws_wafv2_web_acl\.[^}]+\.arn\}$/),
        log_destination_configs: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[^}]+\.arn\}$/)],
        redacted_fields: [{ single_header: { name: 'authorization' } }, { single_header: { name: 'cookie' } }],
      }),
    );
    expect(logging).not.toHaveProperty('logging_filter');
  });
});
