import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { deviationsOf, measurementOf, mismatch, parseMeasurementSource } from '../modules/drills/measurements';
import { isScenarioId, SCENARIO_IDS, SCENARIOS } from '../schemas/scenarios';
import { formatLocated, loadModel, owner, type Model, resilienceAssumptionsSchema, SINGLE_LINE_TEXT_MAX, singleLineText } from '../schemas';
import { drillId, drillOutcome, followUpSchema, signOffSchema, type DrillKind, type DrillRecord } from '../schemas/drill-record';
import { commandLine } from './lib/command-line';
import { drillTitle } from '../modules/drills/render';
import { breachesOf, DrillError, planDrill } from './lib/drill-plan';
import { DrillRecordError, DRILL_LOG, DRILLS_DIR, readDrillRecord, writeDrillRecord } from './lib/drill-records';
import { defaultTarget, failbackResponse, failoverResponse, proposerOf } from './lib/drill-response';

// `npm run drill`: plans the runbook's response to a scenario as a change, judged like any pull request, and
// keeps the evidence under operations/drills/. Exit 0: planned (or recorded); 1: the plan is blocked or breaches
// an SLO, or the command was refused; 2: bad arguments.
const USAGE = [
  'usage: npm run drill -- --from <region> [--to <region>] [--scenario ' + SCENARIO_IDS.join('|') + '] [--branch] [--by @proposer] [--approver @handle] [--emergency-approver @handle] [--reason <text>] [--assume <assumption>=<seconds>]... [--dry-run] [--now <ISO date-time>]',
  '       npm run drill -- failback --from <region that failed> --to <region that took over> [the options above]',
  '       npm run drill -- approve <id> --by @handle   (someone other than the proposer)',
  '       npm run drill -- record <id> --from-json <GetPlanExecution or GetExperiment output.json>',
  '       npm run drill -- follow-up <id> --action <text> --owner @handle --due <YYYY-MM-DD>',
  '       npm run drill -- sign-off <id> --by @handle --statement <text>',
].join('\n');

const { values, positionals } = commandLine(
  {
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      scenario: { type: 'string', default: 'outage' },
      branch: { type: 'boolean', default: false },
      approver: { type: 'string' },
      'emergency-approver': { type: 'string' },
      by: { type: 'string' },
      reason: { type: 'string' },
      assume: { type: 'string', multiple: true, default: [] },
      'dry-run': { type: 'boolean', default: false },
      now: { type: 'string' },
      'from-json': { type: 'string' },
      action: { type: 'string' },
      owner: { type: 'string' },
      due: { type: 'string' },
      statement: { type: 'string' },
      root: { type: 'string' },
    },
  },
  usage,
);

const RESILIENCE_ASSUMPTIONS = resilienceAssumptionsSchema.shape;
/** The declaration's reason, held to the limit global.yaml holds it to. */
const REASON_TEXT = `one line of at most ${SINGLE_LINE_TEXT_MAX} characters without control or invisible characters`;
const REASON = singleLineText(1, 'a reason');
const root = path.resolve(values.root ?? process.env.MR_REPO_ROOT ?? '.');
const now = values.now ? new Date(values.now) : new Date();
if (Number.isNaN(now.getTime())) usage(`--now: expected an ISO-8601 date-time, got ${JSON.stringify(values.now)}`);
const [command, ...rest] = positionals;

try {
  switch (command) {
    case undefined:
      await plan('failover');
      break;
    case 'failback':
      if (rest.length) usage(`failback takes no arguments besides options, got ${rest.map((arg) => JSON.stringify(arg)).join(' ')}`);
      await plan('failback');
      break;
    case 'approve':
      await approve(idArgument(rest));
      break;
    case 'record':
      await record(idArgument(rest));
      break;
    case 'follow-up':
      await followUp(idArgument(rest));
      break;
    case 'sign-off':
      await signOff(idArgument(rest));
      break;
    default:
      usage(`unknown command ${JSON.stringify(command)}`);
  }
} catch (error) {
  if (error instanceof DrillError || error instanceof DrillRecordError) fail(error.message);
  throw error;
}

async function plan(kind: DrillKind): Promise<void> {
  if (!values.from) usage('--from: expected the region the scenario takes down, got nothing');
  if (!isScenarioId(values.scenario)) usage(`--scenario: expected one of ${SCENARIO_IDS.join(', ')}, got ${JSON.stringify(values.scenario)}`);
  for (const [option, value] of [['--approver', values.approver], ['--emergency-approver', values['emergency-approver']], ['--by', values.by]] as const) {
    if (value !== undefined && !owner.safeParse(value).success) usage(`${option}: expected a GitHub handle like @org/team or @user, got ${JSON.stringify(value)}`);
  }
  if (values.reason !== undefined && !REASON.safeParse(values.reason).success) usage(`--reason: expected ${REASON_TEXT}, got ${JSON.stringify(values.reason.slice(0, 80))}`);
  if (values.branch && values['dry-run']) usage('--branch commits the change and its evidence record; --dry-run writes nothing: drop one');
  const assumptions = parseAssumptions(values.assume);
  const scenario = SCENARIOS[values.scenario];
  const loaded = await loadModel(root);
  if (loaded.errors) fail(`the inputs do not load; fix them first:\n${loaded.errors.map((e) => `  ${formatLocated(e)}`).join('\n')}`);
  const ids = loaded.model.regions.map((region) => region.id);
  const from = values.from;
  if (!ids.includes(from)) usage(`--from: expected a region of this repository (${ids.join(', ')}), got ${JSON.stringify(from)}`);
  const to = values.to ?? defaultTarget(loaded.model, from);
  if (!to) usage(`--to: ${ids.length} regions: name the region that takes over (${ids.filter((id) => id !== from).join(', ')})`);
  if (!ids.includes(to) || to === from) usage(`--to: expected a region other than ${from} (${ids.filter((id) => id !== from).join(', ')}), got ${JSON.stringify(to)}`);
  const proposer = proposerOf(loaded.model, values.by);
  // Two-person rule: whoever proposes the drill does not also approve it, as an operator or as the CAB.
  for (const [option, value] of [['--approver', values.approver], ['--emergency-approver', values['emergency-approver']]] as const) {
    if (value && value.toLowerCase() === proposer.toLowerCase()) fail(`${option} ${value} is the proposer${values.by ? '' : ' (the first owner of regions/, as --by is not given)'}; someone else approves the drill`);
  }
  const emergencyApprover = emergencyApproverFor(loaded.model, proposer);

  const id = drillIdFor(now, kind === 'failback' ? 'failback' : scenario.id, from);
  if (await readDrillRecord(root, id)) fail(`a drill ${id} is already recorded; wait a second and run it again`);
  const response = { id, kind, scenario, from, to, now, reason: values.reason ?? `Drill ${id}: ${scenario.title.toLowerCase()}, ${from} to ${to}`, by: proposer, ...(emergencyApprover ? { emergencyApprover } : {}) };
  const planned = await planDrill({
    root,
    id,
    scenario,
    from,
    to,
    proposer,
    approver: values.approver ?? null,
    now,
    assumptions,
    branch: values.branch,
    ...(kind === 'failback' ? failbackResponse(response) : { change: failoverResponse(response) }),
  });
  const { record } = planned;
  console.log(summary(record));
  if (record.change.branch) {
    console.log(`\nevidence: ${DRILLS_DIR}/${id}.json, ${DRILLS_DIR}/${id}.md, ${DRILL_LOG}, committed on ${record.change.branch} with the change (the checkout is not changed)`);
    console.log(`branch: ${record.change.branch}, one commit; push it and open a pull request: git push origin ${record.change.branch}`);
  } else if (!values['dry-run']) {
    const written = await writeDrillRecord(root, record);
    console.log(`\nevidence: ${written.join(', ')}`);
  } else console.log('\nevidence: not written (--dry-run)');
  if (!record.approver) console.log(`approver: none yet; before sign-off, someone other than ${record.proposer} approves: npm run drill -- approve ${id} --by @handle`);
  const breaches = breachesOf(planned.report, from, scenario);
  const rto = planned.report.resilience.rto.byRegion[from];
  const problems = [
    ...breaches.map((term) => (term === 'rto' ? `the plan breaches the RTO SLO: predicted ${rto?.seconds ?? '?'} s > ${record.targets.rtoSeconds} s (${rto?.arithmetic ?? `no RTO figure for losing ${from}`})` : `the plan breaches the RPO SLO: ${record.predictions.rpo.filter((f) => f.boundSeconds > f.targetSeconds || f.boundSeconds > record.targets.rpoSeconds).map((f) => `${f.arithmetic} > ${Math.min(f.targetSeconds, record.targets.rpoSeconds)} s`).join('; ')}`)),
    ...record.change.blocking.map((finding) => `blocked by ${finding.policy} at ${finding.file} ${finding.path}: ${finding.message}`),
  ];
  if (problems.length) fail([...new Set(problems)].join('\n'));
}

function summary(record: DrillRecord): string {
  const assumed = Object.entries(record.assumptions);
  return [
    `drill ${record.id}: ${drillTitle(record)} (${record.kind}), planned from ${record.commit.slice(0, 12)}`,
    `proposer: ${record.proposer}; approver: ${record.approver ?? 'none yet'}`,
    `hypothesis: ${record.scenario.hypothesis}`,
    ...(assumed.length ? [`what-if: ${assumed.map(([key, value]) => `${key} = ${value} s`).join(', ')} (the inputs are not changed)`] : []),
    `change: ${record.change.summary}; risk class ${record.change.class}; the policies ${record.change.passed ? 'pass' : 'block'} it`,
    `window: ${record.window.start} to ${record.window.end} (UTC)`,
    record.scenario.experimentTemplate
      ? `faults: start the FIS experiment template ${record.scenario.experimentTemplate} within the window, tagged for this drill: aws fis start-experiment --experiment-template-id <its id> --tags Name=${record.scenario.experimentTemplate},scenario=${record.scenario.id},drill=${record.id}`
      : `faults: no FIS experiment template of this repository injects ${record.scenario.id} from ${record.regions.from} to ${record.regions.to}`,
    '',
    record.predictions.rto
      ? `predicted RTO ${record.predictions.rto.seconds} s (SLO ${record.targets.rtoSeconds} s): ${record.predictions.rto.arithmetic}`
      : `RTO: not held (no traffic moves; the drill is held to the RPO and its hypothesis)`,
    'predicted RPO:',
    ...record.predictions.rpo.map((figure) => `  ${figure.arithmetic} (target ${figure.targetSeconds} s, SLO ${record.targets.rpoSeconds} s)`),
    '',
    'steps:',
    ...record.steps.map((step) => `  ${step.order}. ${step.what}\n     who: ${step.who}\n     where: ${step.where}`),
  ].join('\n');
}

/** Records who approved running a drill planned without one (a scheduled plan); never its proposer. */
async function approve(id: string): Promise<void> {
  const existing = await requireRecord(id);
  if (!values.by || !owner.safeParse(values.by).success) usage(`approve: --by: expected the approver's GitHub handle like @org/team or @user, got ${JSON.stringify(values.by ?? null)}`);
  if (existing.approver) fail(`drill ${id} is already approved by ${existing.approver}`);
  if (existing.proposer.toLowerCase() === values.by.toLowerCase()) fail(`drill ${id} was proposed by ${existing.proposer}; someone else approves it`);
  await writeDrillRecord(root, { ...existing, approver: values.by });
  console.log(`drill ${id}: approved by ${values.by}`);
}

/**
 * The CAB member approving the drill's change as an emergency: required while a change freeze is in force and
 * no emergency is declared (the freeze policy blocks the change otherwise, as the standing plans' judgement
 * assumes), refused when no freeze is, so the record never claims an emergency nobody needed.
 */
function emergencyApproverFor(model: Model, proposer: string): string | undefined {
  const at = now.getTime();
  const within = (window: { start: string; end: string }) => Date.parse(window.start) <= at && at < Date.parse(window.end);
  const freeze = model.global.changeFreezes.find(within);
  const declared = model.global.declarations.some((declaration) => declaration.kind === 'emergency' && within(declaration));
  const approver = values['emergency-approver'];
  if (freeze && !declared && !approver) fail(`the change freeze ${freeze.name} is in force until ${freeze.end} (${freeze.reason}); the drill's change needs an emergency approved by a CAB member other than ${proposer}: pass --emergency-approver @handle`);
  if (approver && (!freeze || declared)) fail(`--emergency-approver: ${freeze ? 'an emergency is already declared' : 'no change freeze is in force'} at ${now.toISOString()}; drop it`);
  return approver;
}

async function record(id: string): Promise<void> {
  const file = values['from-json'];
  if (!file) usage('record: --from-json <file>: expected the JSON of `aws arc-region-switch get-plan-execution` or `aws fis get-experiment`');
  const existing = await requireRecord(id);
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    fail(`--from-json ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `expected valid JSON: ${(error as Error).message}`}`);
  }
  const parsed = parseMeasurementSource(file, value);
  if ('errors' in parsed) fail(`--from-json ${file} is not a measurement this command reads:\n${parsed.errors.map((e) => `  ${formatLocated(e)}`).join('\n')}`);
  const wrong = mismatch(existing, parsed.source);
  if (wrong) fail(`${wrong}; nothing recorded`);
  const measurement = measurementOf(parsed.source, now);
  // A later read of the same execution (now completed) replaces the earlier one.
  const measurements = [...existing.measurements.filter((m) => !(m.source === measurement.source && m.id === measurement.id)), measurement];
  const updated: DrillRecord = { ...existing, measurements, deviations: measurements.flatMap((m) => deviationsOf(existing, m)) };
  await writeDrillRecord(root, updated);
  console.log(`drill ${id}: recorded ${measurement.source} ${measurement.id} (${measurement.state}${measurement.recoveryTimeSeconds === undefined ? '' : `, recovery ${measurement.recoveryTimeSeconds} s`}); outcome ${drillOutcome(updated)}`);
  for (const deviation of updated.deviations) console.log(`  ${deviation.breach ? 'BREACH' : 'deviation'} ${deviation.term}: expected ${deviation.expected}, measured ${deviation.measured}`);
  console.log(`evidence: ${DRILLS_DIR}/${id}.json, ${DRILLS_DIR}/${id}.md, ${DRILL_LOG}`);
  if (updated.deviations.some((deviation) => deviation.breach)) process.exit(1);
}

async function followUp(id: string): Promise<void> {
  const existing = await requireRecord(id);
  const parsed = followUpSchema.safeParse({ action: values.action, owner: values.owner, due: values.due, done: false });
  if (!parsed.success) usage(`follow-up: ${parsed.error.issues.map((issue) => `--${String(issue.path[0])}: ${issue.message}`).join('; ')}`);
  await writeDrillRecord(root, { ...existing, followUps: [...existing.followUps, parsed.data] });
  console.log(`drill ${id}: follow-up for ${parsed.data.owner} due ${parsed.data.due} added`);
}

async function signOff(id: string): Promise<void> {
  const existing = await requireRecord(id);
  const parsed = signOffSchema.safeParse({ by: values.by, at: now.toISOString(), statement: values.statement });
  if (!parsed.success) usage(`sign-off: ${parsed.error.issues.map((issue) => `--${String(issue.path[0])}: ${issue.message}`).join('; ')}`);
  if (existing.signOff) fail(`drill ${id} is already signed off by ${existing.signOff.by} at ${existing.signOff.at}`);
  if (drillOutcome(existing) === 'planned') fail(`drill ${id} has no measured results to sign off; record them first: npm run drill -- record ${id} --from-json <file>`);
  if (!existing.approver) fail(`drill ${id} has no approver (a scheduled plan has none); someone other than ${existing.proposer} approves it first: npm run drill -- approve ${id} --by @handle`);
  // Two-person rule: whoever proposed or approved running the drill does not also accept its evidence.
  for (const [role, handle] of [['proposed', existing.proposer], ['approved', existing.approver]] as const) {
    if (handle.toLowerCase() === parsed.data.by.toLowerCase()) fail(`drill ${id} was ${role} by ${handle}; someone else signs it off`);
  }
  await writeDrillRecord(root, { ...existing, signOff: parsed.data });
  console.log(`drill ${id}: signed off by ${parsed.data.by}; outcome ${drillOutcome(existing)}`);
}

async function requireRecord(id: string): Promise<DrillRecord> {
  const found = await readDrillRecord(root, id);
  if (!found) fail(`no drill ${id} under ${DRILLS_DIR}/ (plan one first: npm run drill -- --from <region>)`);
  return found;
}

function idArgument(args: string[]): string {
  const [id, ...extra] = args;
  if (!id) usage(`${command}: expected a drill id, got nothing`);
  if (extra.length) usage(`${command}: expected one drill id, got also ${extra.map((arg) => JSON.stringify(arg)).join(' ')}`);
  if (!drillId.safeParse(id).success) usage(`${command}: expected a drill id like 20260301-030000-outage-us-east-1, got ${JSON.stringify(id)}`);
  return id;
}

/** `--assume approvalSeconds=900`: a resilience assumption's value for this plan only. */
function parseAssumptions(pairs: string[]): Record<string, number> {
  const known = Object.keys(RESILIENCE_ASSUMPTIONS);
  const assumptions: Record<string, number> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z][A-Za-z0-9]{0,63})=(\d{1,7})$/.exec(pair);
    if (!match) usage(`--assume: expected <assumption>=<whole seconds>, like ${known[0]}=900, got ${JSON.stringify(pair)}`);
    const [, name = '', seconds] = match;
    const schema = RESILIENCE_ASSUMPTIONS[name as keyof typeof RESILIENCE_ASSUMPTIONS];
    if (!schema) usage(`--assume: expected one of the resilience assumptions in global.yaml (${known.join(', ')}), got ${JSON.stringify(name)}`);
    const checked = schema.safeParse(Number(seconds));
    if (!checked.success) usage(`--assume ${name}: ${checked.error.issues[0]?.message ?? 'out of range'}`);
    assumptions[name] = Number(seconds);
  }
  return assumptions;
}

/** `20260301-030000-<what>-<region>`, UTC. */
function drillIdFor(at: Date, what: string, region: string): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${what}-${region}`;
}

function fail(message: string): never {
  console.error(`drill: ${message}`);
  process.exit(1);
}

function usage(problem: string): never {
  console.error(`drill: ${problem}\n${USAGE}`);
  process.exit(2);
}
