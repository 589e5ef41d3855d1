import { z } from 'zod';
import { intRange, numberRange, owner, slug } from './common';
import { httpPath, KUBERNETES_CONFIG_MAP_KEY_MAX, kubernetesPortName } from './limits';

const duration = z.string().regex(/^[1-9]\d*(s|m|h)$/, { error: 'a duration like 30s, 5m or 1h' });
const quantity = (example: string) =>
  z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti)?$/, { error: `a Kubernetes quantity like ${example}` });
const probePath = httpPath('/readyz');

/** An app's own flags sit in the feature-flags ConfigMap as `flag.<name>`, beside the region's switches. */
export const FEATURE_FLAG_KEY_PREFIX = 'flag.';
const FEATURE_FLAG_NAME_MAX = KUBERNETES_CONFIG_MAP_KEY_MAX - FEATURE_FLAG_KEY_PREFIX.length;
const featureFlagName = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, { error: 'a lower-case flag name' })
  .max(FEATURE_FLAG_NAME_MAX, { error: `a flag name of at most ${FEATURE_FLAG_NAME_MAX} characters (a ConfigMap key holds ${KUBERNETES_CONFIG_MAP_KEY_MAX}, with "${FEATURE_FLAG_KEY_PREFIX}")` });

export const canaryStep = z.union(
  [
    z.strictObject({ setWeight: intRange(1, 100) }),
    z.strictObject({ pause: z.union([duration, z.literal('until-promoted')]) }),
  ],
  { error: 'a canary step: { setWeight: 1..100 } or { pause: "5m" | "until-promoted" }' },
);

export const appSchema = z
  .strictObject({
    name: slug,
    owner,
    /** Images are pinned by digest so a rollout is exactly reproducible and signature-verifiable. */
    image: z
      .string()
      .regex(/^[a-z0-9]+([._\/-][a-z0-9]+)*(:\d+)?(\/[a-z0-9._-]+)*@sha256:[a-f0-9]{64}$/, {
        error: 'an image pinned by digest, like 123456789012.dkr.ecr.us-east-1.amazonaws.com/api@sha256:<64 hex digits>',
      }),
    ports: z
      .array(
        z.strictObject({
          name: kubernetesPortName,
          port: intRange(1, 65535),
          protocol: z.enum(['http', 'grpc', 'tcp']).default('http'),
        }),
      )
      .min(1, { error: 'at least one port' }),
    probes: z
      .strictObject({ readiness: probePath, liveness: probePath })
      .default({ readiness: '/readyz', liveness: '/livez' }),
    resources: z.strictObject({
      cpu: quantity('250m'),
      memory: quantity('512Mi'),
    }),
    replicas: z
      .strictObject({
        min: intRange(1, 500),
        max: intRange(1, 500),
        targetCpuPercent: intRange(10, 95).default(70),
      })
      .refine((r) => r.min <= r.max, { error: 'replicas.min ≤ replicas.max', path: ['max'] }),
    canary: z.strictObject({
      steps: z.array(canaryStep).min(1, { error: 'at least one canary step' }),
    }),
    slo: z.strictObject({
      availabilityPercent: numberRange(90, 100),
      p95LatencyMs: intRange(1, 60000),
      errorRatePercent: numberRange(0, 100),
    }),
    /** Flags handed to the service; read-only mode and read preference come from the region instead. */
    featureFlags: z.record(featureFlagName, z.boolean()).default({}),
    /** Names of data sets from the replication rules this app reads or writes. */
    dataSets: z.array(slug).default([]),
    /** Region ids the app runs in. @default every region */
    regions: z.array(slug).optional(),
  })
  .superRefine((app, ctx) => {
    let previous = 0;
    app.canary.steps.forEach((step, index) => {
      if (!('setWeight' in step)) return;
      if (step.setWeight <= previous) {
        ctx.addIssue({
          code: 'custom',
          path: ['canary', 'steps', index, 'setWeight'],
          message: `a weight above the previous step's ${previous} (canary weights only increase)`,
          input: step.setWeight,
        });
      }
      previous = step.setWeight;
    });
  });

export type AppInput = z.input<typeof appSchema>;
export type App = z.output<typeof appSchema>;
