import type { DrillRecord } from '../../schemas/drill-record';

/** A planned outage drill as `npm run drill` writes it, before anything is measured. */
export function plannedRecord(overrides: Partial<DrillRecord> = {}): DrillRecord {
  return {
    schemaVersion: 1,
    id: '20260301-030000-outage-us-east-1',
    kind: 'failover',
    commit: 'a'.repeat(40),
    proposer: '@example-org/platform',
    approver: '@example-org/sre',
    window: { start: '2026-03-01T03:00:00.000Z', end: '2026-03-01T07:00:00.000Z' },
    scenario: {
      id: 'outage',
      title: 'Region outage',
      hypothesis: 'With us-east-1 lost, us-west-2 serves all traffic and takes the writes within the RTO SLO.',
      faults: [{ id: 'eks-node-group-loss', fisAction: 'aws:eks:terminate-nodegroup-instances' }],
      runbook: 'Region outage',
      experimentTemplate: 'orders-us-east-1-outage',
    },
    regions: { from: 'us-east-1', to: 'us-west-2' },
    assumptions: {},
    targets: { rtoSeconds: 900, rpoSeconds: 300, dataSets: [{ name: 'orders-db', rpoSeconds: 120 }] },
    predictions: {
      rto: { seconds: 270, arithmetic: 'losing us-east-1: 10 s × 3 (health check) + 60 s (DNS TTL) + 120 s (database promotion) + 60 s (traffic shift) = 270 s' },
      rpo: [{ dataSet: 'orders-db', boundSeconds: 90, targetSeconds: 120, arithmetic: 'orders-db (aurora, active-passive): 30 s lag alert threshold + 60 s alert delay = 90 s' }],
    },
    change: { summary: 'failover us-east-1 → us-west-2', files: ['regions/us-east-1.ts', 'regions/global.yaml'], class: 'cab-required', passed: true, breaches: [], blocking: [], branch: null },
    steps: [{ order: 1, what: 'Propose the change with a failover declaration', who: 'on-call engineer', where: '`npm run drill -- --from us-east-1 --to us-west-2 --scenario outage --branch`', channel: 'pull-request' }],
    measurements: [],
    deviations: [],
    followUps: [],
    signOff: null,
    ...overrides,
  };
}
