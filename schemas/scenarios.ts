/**
 * The failures this repository rehearses. One definition per scenario, read by everything that acts on
 * one: `npm run drill` plans the response, the standing failover plans under `generated/` are built from
 * the responses, and each region's AWS FIS experiment templates inject the faults. A scenario is always
 * about one region, `from`, losing something; `to` is the region that takes over when the response moves
 * traffic.
 */

export const SCENARIO_IDS = ['outage', 'partition', 'mirror-break', 'lag-spike'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/**
 * A fault injected in the region under test. The first four are native AWS FIS actions; FIS has none for an
 * Aurora global database or an MSK Replicator, so those two run SSM Automation documents the region stack
 * defines, through `aws:ssm:start-automation-execution`.
 */
export const FAULTS = {
  'cross-region-connectivity': { fisAction: 'aws:network:route-table-disrupt-cross-region-connectivity', description: 'cuts the region’s subnets off from the other regions' },
  's3-replication-pause': { fisAction: 'aws:s3:bucket-pause-replication', description: 'pauses replication out of the region’s buckets' },
  'eks-node-group-loss': { fisAction: 'aws:eks:terminate-nodegroup-instances', description: 'terminates instances of the region’s EKS node groups' },
  'pod-network-latency': { fisAction: 'aws:eks:pod-network-latency', description: 'adds network latency to the app’s pods' },
  'aurora-global-failover': { fisAction: 'aws:ssm:start-automation-execution', description: 'fails the Aurora global database over to the other region (SSM Automation)' },
  'msk-replicator-stop': { fisAction: 'aws:ssm:start-automation-execution', description: 'stops the MSK Replicator that mirrors the region’s topics (SSM Automation)' },
} as const satisfies Record<string, { fisAction: string; description: string }>;
export type FaultId = keyof typeof FAULTS;

/**
 * What the runbook does about a scenario, as a change to the inputs.
 * `failover`: all traffic to `to`, `from` read-only, a failover declaration, and the Aurora writer promoted
 * in `to` when `from` holds it. The degraded switches are set in `from`.
 */
export interface ScenarioResponse {
  failover: boolean;
  pauseProducers: boolean;
  priorityWritesOnly: boolean;
}

export interface Scenario {
  id: ScenarioId;
  title: string;
  /** What the drill sets out to show, in words a reviewer can hold the measured results against. */
  hypothesis(from: string, to: string): string;
  /** Injected in `from`, in this order. */
  faults: readonly FaultId[];
  response: ScenarioResponse;
  /** The runbook that carries the response out: a heading in docs/runbooks.md. */
  runbook: string;
}

export const SCENARIOS: Readonly<Record<ScenarioId, Scenario>> = {
  outage: {
    id: 'outage',
    title: 'Region outage',
    hypothesis: (from, to) => `With ${from} lost, ${to} serves all traffic and takes the writes within the RTO SLO, losing no more data than each data set's RPO.`,
    faults: ['eks-node-group-loss', 'cross-region-connectivity', 'aurora-global-failover'],
    response: { failover: true, pauseProducers: true, priorityWritesOnly: false },
    runbook: 'Region outage',
  },
  partition: {
    id: 'partition',
    title: 'Network partition between regions',
    hypothesis: (from, to) => `With ${from} cut off from ${to}, ${from} stops taking writes before the regions diverge (no split-brain), and ${to} serves all traffic within the RTO SLO.`,
    faults: ['cross-region-connectivity', 's3-replication-pause'],
    response: { failover: true, pauseProducers: true, priorityWritesOnly: false },
    runbook: 'Region outage',
  },
  'mirror-break': {
    id: 'mirror-break',
    title: 'Kafka mirror break',
    hypothesis: (from, to) => `With the mirror from ${from} to ${to} stopped, the mirror-lag alert fires, producers in ${from} pause, and the mirror catches up after restart without losing events beyond the RPO.`,
    faults: ['msk-replicator-stop'],
    response: { failover: false, pauseProducers: true, priorityWritesOnly: false },
    runbook: 'Kafka mirror lag',
  },
  'lag-spike': {
    id: 'lag-spike',
    title: 'Replication lag spike',
    hypothesis: (from, to) => `With latency added in ${from}, the replication-lag alert fires before any data set's lag reaches its RPO, and priority-writes-only in ${from} brings the lag to ${to} back under the SLO.`,
    faults: ['pod-network-latency', 's3-replication-pause'],
    response: { failover: false, pauseProducers: false, priorityWritesOnly: true },
    runbook: 'Replication lag spike',
  },
};

export function isScenarioId(value: string): value is ScenarioId {
  return (SCENARIO_IDS as readonly string[]).includes(value);
}
