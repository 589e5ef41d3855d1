import { z } from 'zod';
import { awsRegion, cidr, dnsLabel, dnsName, healthCheckerRegion, intRange, residencyZone, slug } from './common';
import { awsTags, httpPath } from './limits';

/**
 * The Terraform stacks beside the regions' own (`generated/terraform/<name>/`, each with its state): DNS and the
 * accelerator, and the roles CI assumes. A region may not take their names.
 */
export const SHARED_STACKS = ['global', 'ci'] as const;

/** The k6 load test of every region together (`generated/load-tests/<name>.js`, beside one per region). */
export const CROSS_REGION_LOAD_TEST = 'cross-region';

/** Joins the two regions of a standing failover plan's name (`generated/failover/<from>-to-<to>`), so no region id may hold it. */
export const FAILOVER_PAIR_JOINER = '-to-';

export const nodeGroup = z
  .strictObject({
    name: slug,
    instanceTypes: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: 'an EC2 instance type like m6i.large' })).min(1, { error: 'at least one instance type' }),
    capacityType: z.enum(['ON_DEMAND', 'SPOT']).default('ON_DEMAND'),
    minSize: intRange(0, 1000),
    desiredSize: intRange(0, 1000),
    maxSize: intRange(1, 1000),
  })
  .superRefine((group, ctx) => {
    if (!(group.minSize <= group.desiredSize && group.desiredSize <= group.maxSize)) {
      ctx.addIssue({
        code: 'custom',
        path: ['desiredSize'],
        message: `a desiredSize between minSize (${group.minSize}) and maxSize (${group.maxSize})`,
        input: group.desiredSize,
      });
    }
  });

export const regionSchema = z
  .strictObject({
    /** Stable identifier used in file names, stack names and Kubernetes labels. */
    id: slug,
    awsRegion,
    /** The primary region holds the database writer; a secondary takes over on failover. */
    role: z.enum(['primary', 'secondary']),
    network: z.strictObject({
      vpcCidr: cidr,
      availabilityZones: intRange(2, 6).default(3),
      subnets: z.strictObject({
        public: z.array(cidr).min(2, { error: 'at least two public subnets (one per availability zone)' }),
        private: z.array(cidr).min(2, { error: 'at least two private subnets (one per availability zone)' }),
        database: z.array(cidr).min(2, { error: 'at least two database subnets (one per availability zone)' }),
      }),
    }),
    eks: z.strictObject({
      version: z.string().regex(/^1\.(2[89]|3\d)$/, { error: 'a supported EKS minor version like "1.31" (1.28..1.39)' }),
      nodeGroups: z.array(nodeGroup).min(1, { error: 'at least one node group' }),
    }),
    database: z.strictObject({
      instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { error: 'an RDS instance class like db.r6g.large' }),
      instances: intRange(1, 15),
      backupRetentionDays: intRange(1, 35).default(7),
    }),
    cache: z.strictObject({
      nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { error: 'an ElastiCache node type like cache.r6g.large' }),
      shards: intRange(1, 500),
      replicasPerShard: intRange(0, 5),
    }),
    kafka: z.strictObject({
      brokerInstanceType: z.string().regex(/^kafka\.[a-z0-9]+\.[a-z0-9]+$/, { error: 'an MSK broker type like kafka.m5.large' }),
      brokersPerAz: intRange(1, 10),
      storageGiB: intRange(1, 16384),
    }),
    dns: z.strictObject({
      /** Public hosted zone that holds both the global and the regional records. */
      zone: dnsName,
      /** Label of the regional endpoint record, e.g. `api-use1` → `api-use1.example.com`. */
      regionalRecord: dnsLabel,
      ttlSeconds: intRange(10, 86400).default(60),
    }),
    healthCheck: z.strictObject({
      path: httpPath('/healthz'),
      intervalSeconds: z.union([z.literal(10), z.literal(30)], { error: '10 or 30 (the intervals Route 53 supports)' }),
      failureThreshold: intRange(1, 10),
      checkerRegions: z
        .array(healthCheckerRegion)
        .min(3, { error: 'at least three checker regions (Route 53 requires three)' }),
    }),
    traffic: z.strictObject({
      /**
       * Share of traffic in whole percent (Route 53 weights are integers); serving regions' weights sum
       * to 100, which the traffic policies check.
       */
      weight: intRange(0, 100),
      routing: z.enum(['latency', 'weighted', 'failover']),
    }),
    /** Rejects writes in this region while it keeps serving reads. */
    readOnly: z.boolean().default(false),
    readPreference: z.enum(['local', 'global']).default('local'),
    /**
     * Switches the services honour while the region is degraded (runbooks: region outage, replication
     * lag spike, Kafka mirror lag). Like `readOnly` they reach pods through the feature-flags ConfigMap,
     * without a rollout.
     */
    degradedMode: z
      .strictObject({
        /** Stop producing to Kafka; producers buffer or reject, so the mirror can catch up. */
        pauseProducers: z.boolean().default(false),
        /** Accept only writes marked priority (payments, cancellations); refuse the rest with 503. */
        priorityWritesOnly: z.boolean().default(false),
        /** Serve reads from cache even when the replica behind it is stale. */
        serveStaleReads: z.boolean().default(false),
      })
      .default({ pauseProducers: false, priorityWritesOnly: false, serveStaleReads: false }),
    observability: z.strictObject({
      /** The region's Prometheus as reachable from CI and operators (promotion barrier, console). */
      prometheusUrl: z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~\/-]*)?$/, { error: 'an http(s) URL like https://prometheus.use1.example.com' }),
    }),
    residency: z.strictObject({
      zone: residencyZone,
      /** Extra AWS tags on every resource of the region; the computed tags (project, region, role, …) cannot be overridden. */
      tags: awsTags.default({}),
    }),
  })
  .superRefine((region, ctx) => {
    for (const tier of ['public', 'private', 'database'] as const) {
      if (region.network.subnets[tier].length !== region.network.availabilityZones) {
        ctx.addIssue({
          code: 'custom',
          path: ['network', 'subnets', tier],
          message: `${region.network.availabilityZones} ${tier} subnets, one per availability zone`,
          input: region.network.subnets[tier],
        });
      }
    }
  });

/** What people write in `regions/<id>.ts|yaml` (defaults not yet applied). */
export type RegionInput = z.input<typeof regionSchema>;
/** A validated region with defaults applied. */
export type Region = z.output<typeof regionSchema>;
