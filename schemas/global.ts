import { z } from 'zod';
import { awsRegion, dnsLabel, dnsName, intRange, isoDateTime, numberRange, owner, slug } from './common';
import { awsCron, codeownersPattern, gitRef, githubRepository, singleLineText } from './limits';

export const sloSchema = z.strictObject({
  availabilityPercent: numberRange(90, 100).default(99.95),
  crossRegionP95LatencyMs: intRange(1, 60000).default(400),
  replicationLagSeconds: intRange(1, 3600).default(30),
  errorRatePercent: numberRange(0, 100).default(1),
  rtoMinutes: intRange(1, 1440).default(15),
  rpoMinutes: intRange(0, 1440).default(5),
});

const reason = singleLineText(1, 'a reason');
const endsAfterStart = (window: { start: string; end: string }) => window.start < window.end;

export const changeFreezeSchema = z
  .strictObject({ name: slug, start: isoDateTime, end: isoDateTime, reason })
  .refine(endsAfterStart, { error: 'an end after the start', path: ['end'] });

/**
 * A declaration makes an otherwise-refused change legitimate for a bounded time: the policies accept
 * a large traffic shift or a read-only primary only while a failover is declared, every region
 * read-only only during maintenance, and any change during a freeze only under an emergency.
 */
export const declarationSchema = z
  .discriminatedUnion(
    'kind',
    [
      z.strictObject({
        kind: z.literal('failover'),
        name: slug,
        /** Region losing the database writer and its traffic. */
        from: slug,
        /** Region taking them over. */
        to: slug,
        reason,
        declaredBy: owner,
        start: isoDateTime,
        end: isoDateTime,
      }),
      z.strictObject({ kind: z.literal('maintenance'), name: slug, reason, declaredBy: owner, start: isoDateTime, end: isoDateTime }),
      z.strictObject({
        kind: z.literal('emergency'),
        name: slug,
        reason,
        declaredBy: owner,
        /** The CAB member who approved the emergency change. */
        approvedBy: owner,
        start: isoDateTime,
        end: isoDateTime,
      }),
    ],
    { error: 'a declaration with kind failover, maintenance or emergency' },
  )
  .refine(endsAfterStart, { error: 'an end after the start', path: ['end'] });

/** Limits the change-aware policies apply; changing them is itself a reviewed change. */
export const changeControlSchema = z.strictObject({
  /** Most weight points a single change may move between regions, unless a failover is declared. */
  maxWeightShiftPoints: intRange(1, 100).default(25),
  /** Longest a waiver may run from the day it is judged: an exception is argued again at least this often. */
  maxWaiverDays: intRange(1, 3650).default(180),
});

/**
 * Durations the resilience model adds up to bound RTO and RPO. They are assumptions about AWS and
 * about our alerting, kept beside the SLOs so a reviewer sees both and can challenge either.
 */
export const resilienceAssumptionsSchema = z.strictObject({
  /**
   * From the page to an approved failover: the on-call engineer confirms the loss and proposes the standing
   * failover plan, and a second person approves its pull request and the Region switch plan's approval step.
   * Nothing moves before it, so it counts in every region's RTO.
   */
  approvalSeconds: intRange(0, 3600).default(300),
  /** Aurora global database managed failover, from decision to a writable secondary. */
  databasePromotionSeconds: intRange(0, 3600).default(120),
  /** Applying the traffic change (Route 53 / Global Accelerator) after the decision. */
  trafficShiftSeconds: intRange(0, 3600).default(60),
  /** How long replication lag must stay above its threshold before the alert fires. */
  lagAlertForSeconds: intRange(0, 3600).default(60),
});

/** What the Terraform stacks build beyond the regions' own sizing: CI access, the edge, backups. */
export const infrastructureSchema = z.strictObject({
  /** The AWS account every stack is applied in; the providers refuse any other, and workload role ARNs name it. */
  accountId: z.string().regex(/^\d{12}$/, { error: 'a 12-digit AWS account id' }),
  /** GitHub repository (`owner/name`) whose Actions may assume the CI roles through OIDC. */
  ciRepository: githubRepository,
  /** A Global Accelerator in front of the regional load balancers, its traffic dials following the weights. */
  globalAccelerator: z.boolean().default(true),
  /** Requests one client IP may make per five minutes before the regional WAF blocks it. */
  wafRateLimitPerFiveMinutes: intRange(100, 2_000_000_000).default(2000),
  backup: z
    .strictObject({
      /** AWS Backup schedule expression, in UTC. */
      schedule: awsCron.default('cron(0 5 ? * * *)'),
      retentionDays: intRange(1, 36500).default(35),
    })
    .default({ schedule: 'cron(0 5 ? * * *)', retentionDays: 35 }),
});

/** How Argo CD in each region's cluster receives this repository, and how a new app version travels between regions. */
export const deliverySchema = z.strictObject({
  /** Git repository every region's Argo CD syncs `generated/k8s/<region>/` from. */
  repoURL: z.string().regex(/^https:\/\/[A-Za-z0-9.-]+\/[A-Za-z0-9_.\/-]+\.git$/, { error: 'an HTTPS git URL ending in .git, like https://github.com/example-org/orders-gitops.git' }),
  /** Branch Argo CD follows. */
  targetRevision: gitRef.default('main'),
  /**
   * Region ids in the order a new app version reaches them, one array per wave: a wave starts only once
   * every region of the previous wave runs the new version healthily (`npm run promote`).
   */
  waves: z.array(z.array(slug).min(1, { error: 'at least one region in a wave' })).min(1, { error: 'at least one wave' }),
});

export const globalSchema = z.strictObject({
  /** Prefix for every named resource; keeps two deployments of this repo apart in one account. */
  name: slug,
  slo: sloSchema.default(sloSchema.parse({})),
  /** The name users resolve: one record set in this zone with an entry per region. */
  dns: z.strictObject({ zone: dnsName, record: dnsLabel }),
  changeFreezes: z.array(changeFreezeSchema).default([]),
  declarations: z.array(declarationSchema).default([]),
  changeControl: changeControlSchema.default(changeControlSchema.parse({})),
  resilience: resilienceAssumptionsSchema.default(resilienceAssumptionsSchema.parse({})),
  /** Path patterns (CODEOWNERS syntax) and the teams that must review them. */
  owners: z
    .array(z.strictObject({ path: codeownersPattern, owners: z.array(owner).min(1, { error: 'at least one owner' }) }))
    .min(1, { error: 'at least one owner rule' }),
  infrastructure: infrastructureSchema,
  delivery: deliverySchema,
  /** Where every stack keeps its state; one key per stack under `keyPrefix`. */
  terraformState: z.strictObject({
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'an S3 bucket name' }),
    region: awsRegion,
    keyPrefix: z.string().regex(/^[a-z0-9][a-z0-9\/-]*[a-z0-9]$/, { error: 'a key prefix like multi-region/prod' }),
  }),
});

export type Global = z.output<typeof globalSchema>;
export type Declaration = z.output<typeof declarationSchema>;
export type Delivery = z.output<typeof deliverySchema>;
export type GlobalInput = z.input<typeof globalSchema>;
