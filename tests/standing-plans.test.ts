import { describe, expect, it } from 'vitest';
import { readCommitted } from '../modules/generated-dir';
import { synthOutputs } from '../modules/outputs';
import { loadPolicyEngine } from '../policies/engine/engine';
import { formatVerdict, judgeStandingPlans } from '../policies/engine/standing-plans';
import { createGateContext } from '../policies/gates/context';
import { policyGate } from '../policies/gates/policy-gate';
import { loadModel, type Model } from '../schemas';
import { edit, exampleRepo, REPO_ROOT } from './helpers/example-repo';

const NOW = new Date('2026-12-03T12:00:00Z');

async function verdicts(change: (model: Model) => Model = (model) => model, now = NOW) {
  const load = await loadModel(REPO_ROOT);
  if (load.errors) throw new Error(load.errors.map((error) => error.message).join('\n'));
  const model = change(load.model);
  const base = { model, sources: load.sources, files: synthOutputs(model), waivers: [], repositoryPaths: ['regions/global.yaml'], synthOutputs };
  return judgeStandingPlans(await loadPolicyEngine(REPO_ROOT), base, now);
}

const withResilience = (assumptions: Partial<Model['global']['resilience']>) => (model: Model): Model => ({ ...model, global: { ...model.global, resilience: { ...model.global.resilience, ...assumptions } } });

describe('judging the standing failover plans', () => {
  it('passes both plans of the example, printing the RTO of losing the region with the approval term and the data set closest to its RPO', async () => {
    const lines = (await verdicts()).map(formatVerdict);
    expect(lines).toEqual([
      'failover us-east-1 → us-west-2: passes; RTO 570 s of 900 s (losing us-east-1: 10 s × 3 (health check) + 300 s (approval) + 60 s (DNS TTL) + 120 s (database promotion) + 60 s (traffic shift) = 570 s); worst RPO sessions 80 s of 90 s',
      'failover us-west-2 → us-east-1: passes; RTO 450 s of 900 s (losing us-west-2: 10 s × 3 (health check) + 300 s (approval) + 60 s (DNS TTL) + 60 s (traffic shift) = 450 s); worst RPO sessions 80 s of 90 s',
    ]);
  });

  it('refuses a plan whose approval pushes the recovery of the lost region over the RTO SLO, naming the term', async () => {
    const [east, west] = await verdicts(withResilience({ approvalSeconds: 900 }));
    expect(east!.ok).toBe(false);
    expect(east!.breaches).toEqual(['RTO 1170 s exceeds the SLO of 900 s']);
    expect(east!.rto.arithmetic).toBe('losing us-east-1: 10 s × 3 (health check) + 900 s (approval) + 60 s (DNS TTL) + 120 s (database promotion) + 60 s (traffic shift) = 1170 s');
    expect(east!.blocking.map((finding) => finding.policy)).toEqual(['resilience.rto-within-slo']);
    expect(west!.breaches).toEqual(['RTO 1050 s exceeds the SLO of 900 s']);
  });

  it('refuses a plan that would lose more than a data set may', async () => {
    const [east] = await verdicts(withResilience({ lagAlertForSeconds: 100 }));
    expect(east!.ok).toBe(false);
    expect(east!.breaches).toContain('RPO orders-db (aurora, active-passive): 30 s lag alert threshold + 100 s alert delay = 130 s exceeds its target of 120 s');
    expect(east!.breaches).not.toContain(expect.stringMatching(/^RPO order-documents/));
  });

  it('during a change freeze, declares the emergency beside the failover, approved by a second owner of regions/', async () => {
    const inFreeze = new Date('2026-11-27T03:00:00Z');
    expect((await verdicts(undefined, inFreeze)).map((verdict) => verdict.ok)).toEqual([true, true]);
    const oneOwner = (model: Model): Model => ({ ...model, global: { ...model.global, owners: model.global.owners.map((rule) => (rule.path === '/regions/' ? { ...rule, owners: ['@example-org/sre'] } : rule)) } });
    const [east] = await verdicts(oneOwner, inFreeze);
    expect(east!.blocking.map((finding) => finding.policy)).toContain('change.freeze-needs-emergency');
  });
});

describe('the policy gate', () => {
  it('counts the standing plans that pass in its summary', async () => {
    const root = await exampleRepo();
    const result = await policyGate.run(await createGateContext(root, { synthOutputs, readCommitted }, { now: NOW }));
    expect(result.summary).toMatch(/; 2 standing failover plans of 2 pass$/);
  });

  it('fails when a standing plan breaches the RTO SLO, naming the plan file, the figures and the command that shows the arithmetic', async () => {
    const root = await exampleRepo();
    // 700 s of approval: losing us-east-1 takes 970 s, over the 900 s SLO; losing us-west-2 takes 850 s, within it, but its
    // plan is blocked all the same, since the model after it still promises an RTO it cannot keep for us-east-1.
    await edit(root, 'regions/global.yaml', 'approvalSeconds: 300', 'approvalSeconds: 700');
    const result = await policyGate.run(await createGateContext(root, { synthOutputs, readCommitted }, { now: NOW }));
    expect(result.ok).toBe(false);
    expect(result.summary).toMatch(/; 0 standing failover plans of 2 pass$/);
    expect(result.details.filter((line) => line.startsWith('generated/failover/'))).toEqual([
      'generated/failover/us-east-1-to-us-west-2.md: failover us-east-1 → us-west-2: blocked by resilience.rto-within-slo; RTO 970 s exceeds the SLO of 900 s; RTO 970 s of 900 s (losing us-east-1: 10 s × 3 (health check) + 700 s (approval) + 60 s (DNS TTL) + 120 s (database promotion) + 60 s (traffic shift) = 970 s); worst RPO sessions 80 s of 90 s',
      'generated/failover/us-west-2-to-us-east-1.md: failover us-west-2 → us-east-1: blocked by resilience.rto-within-slo; RTO 850 s of 900 s (losing us-west-2: 10 s × 3 (health check) + 700 s (approval) + 60 s (DNS TTL) + 60 s (traffic shift) = 850 s); worst RPO sessions 80 s of 90 s',
    ]);
    expect(result.details).toContain('  (`npm run drill -- --from us-east-1 --to us-west-2 --dry-run` judges the plan the same way and prints the arithmetic)');
  });
});
