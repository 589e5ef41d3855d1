import { CloudwatchLogGroup } from '@cdktn/provider-aws/lib/cloudwatch-log-group';
import { Wafv2WebAcl, type Wafv2WebAclRule } from '@cdktn/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclLoggingConfiguration } from '@cdktn/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { Construct } from 'constructs';

export interface WebAclProps {
  /** Web ACL name, also the prefix of its CloudWatch metric names, e.g. `orders-us-east-1`. */
  readonly name: string;
  /** Requests one client IP may make in any five-minute window before it is blocked. */
  readonly rateLimitPerFiveMinutes: number;
  /** The region's customer-managed key; encrypts the request log group. */
  readonly kmsKeyArn: string;
}

/** AWS managed rule groups every ingress gets, in evaluation order after the rate limit. */
const MANAGED_RULE_GROUPS = [
  // Sources Amazon threat intelligence has seen attacking; cheapest to drop first.
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  // Includes the Log4j (CVE-2021-44228) signatures.
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
] as const;

/** Header names are matched lowercase; these carry credentials and sessions that must not reach logs. */
const REDACTED_HEADERS = ['authorization', 'cookie'];

const RATE_LIMIT_RANGE = { min: 100, max: 2_000_000_000 };
const WAF_LOG_GROUP_PREFIX = 'aws-waf-logs-';
/** WAF names allow 128 characters; the log group name adds its required prefix to this one. */
const NAME = /^[A-Za-z0-9_-]{1,115}$/;
/** A year of request logs covers an incident found late, and an annual audit. */
const LOG_RETENTION_DAYS = 365;

/**
 * The regional WAFv2 web ACL the ingress load balancer is associated with: a per-IP rate limit and the
 * AWS managed rule groups for common exploits, known bad inputs, SQL injection and bad IP reputation,
 * with every request logged (credentials redacted) to a KMS-encrypted log group.
 */
export class WebAcl extends Construct {
  readonly webAcl: Wafv2WebAcl;
  readonly arn: string;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    if (!NAME.test(props.name)) {
      throw new Error(`WebAcl ${id}: name: expected 1-115 letters, digits, hyphens and underscores, got ${JSON.stringify(props.name)}`);
    }
    const limit = props.rateLimitPerFiveMinutes;
    if (!Number.isInteger(limit) || limit < RATE_LIMIT_RANGE.min || limit > RATE_LIMIT_RANGE.max) {
      throw new Error(`WebAcl ${id}: rateLimitPerFiveMinutes: expected a whole number from ${RATE_LIMIT_RANGE.min} to ${RATE_LIMIT_RANGE.max}, got ${limit}`);
    }

    const visibility = (metric: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${props.name}-${metric}` });
    // Rule statements are typed `any` in the bindings and passed through verbatim, so they are
    // written in Terraform's snake_case.
    const rateLimit: Wafv2WebAclRule = {
      name: 'rate-limit-per-ip',
      priority: 0,
      action: { block: {} },
      statement: { rate_based_statement: { limit, aggregate_key_type: 'IP' } },
      visibilityConfig: visibility('rate-limit-per-ip'),
    };
    const managed = MANAGED_RULE_GROUPS.map(
      (group, index): Wafv2WebAclRule => ({
        name: group,
        priority: index + 1,
        // `none` keeps each group's own block actions; `count` would only observe.
        overrideAction: { none: {} },
        statement: { managed_rule_group_statement: { vendor_name: 'AWS', name: group } },
        visibilityConfig: visibility(group),
      }),
    );

    this.webAcl = new Wafv2WebAcl(this, 'web-acl', {
      name: props.name,
      description: `Ingress protection for ${props.name}`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rule: [rateLimit, ...managed],
      visibilityConfig: visibility('web-acl'),
      tags: { Name: props.name },
    });
    this.arn = this.webAcl.arn;

    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: `${WAF_LOG_GROUP_PREFIX}${props.name}`,
      kmsKeyId: props.kmsKeyArn,
      retentionInDays: LOG_RETENTION_DAYS,
      tags: { Name: `${WAF_LOG_GROUP_PREFIX}${props.name}` },
    });
    new Wafv2WebAclLoggingConfiguration(this, 'logging', {
      resourceArn: this.webAcl.arn,
      logDestinationConfigs: [this.logGroup.arn],
      redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { name } })),
    });
  }
}
