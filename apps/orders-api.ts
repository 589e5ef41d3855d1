import type { AppInput } from '../schemas';

/** The multi-region-aware API service: reads locally, writes to the primary, degrades to read-only. */
export default {
  name: 'orders-api',
  owner: '@example-org/orders-team',
  image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api@sha256:9f2b6c1e4d8a7b3c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5',
  ports: [{ name: 'http', port: 8080, protocol: 'http' }],
  probes: { readiness: '/readyz', liveness: '/livez' },
  resources: { cpu: '500m', memory: '512Mi' },
  replicas: { min: 3, max: 30, targetCpuPercent: 65 },
  canary: {
    steps: [{ setWeight: 5 }, { pause: '5m' }, { setWeight: 25 }, { pause: '10m' }, { setWeight: 50 }, { pause: '10m' }, { setWeight: 100 }],
  },
  slo: { availabilityPercent: 99.95, p95LatencyMs: 400, errorRatePercent: 1 },
  featureFlags: { 'idempotency-keys': true, 'crdt-carts': false },
  dataSets: ['orders-db', 'order-events', 'sessions', 'order-documents'],
} satisfies AppInput;
