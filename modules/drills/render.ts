import { drillOutcome, movesTraffic, type DrillRecord } from '../../schemas/drill-record';

/**
 * Markdown for auditors and reviewers, rendered from the records only, so the committed markdown never says
 * anything the JSON does not. Every value that came from a person or a JSON file is escaped: a follow-up
 * cannot add a table column, a link or HTML to the evidence.
 */

/** Control, format and line- or paragraph-separator characters: what could end a line or hide text. */
const NOT_ONE_LINE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * Backslash-escapes markdown's punctuation and HTML's angle brackets. The schema keeps values on one line; a
 * line break or invisible character that reaches here anyway (a record edited past the schema) is shown as
 * U+FFFD rather than starting a paragraph of its own. A `code span` stays one (markdown shows its content
 * literally), with only `|` escaped, which GitHub reads as a table cell's end even there.
 */
export function inline(value: string): string {
  return value
    .replace(NOT_ONE_LINE, '\uFFFD')
    .split(/(`[^`]+`)/)
    .map((part, index) => (index % 2 ? part.replaceAll('|', '\\|') : part.replace(/[\\`*_{}[\]()<>#+!|~]/g, (character) => `\\${character}`)))
    .join('');
}

const OUTCOME_LABEL = {
  planned: 'planned, not yet measured',
  blocked: 'blocked: the plan does not pass',
  incomplete: 'incomplete: measured, but no recovery time yet (record the Region switch execution)',
  passed: 'passed',
  failed: 'failed: a deviation breaches',
} as const;

/**
 * What the drill rehearses, in one line: a failover names where traffic goes; a scenario whose response moves
 * no traffic (a mirror break, a lag spike) names the region it happens in and says so.
 */
export function drillTitle(record: Pick<DrillRecord, 'scenario' | 'regions'>): string {
  const { scenario, regions } = record;
  return movesTraffic(scenario.id) ? `${scenario.title}, ${regions.from} → ${regions.to}` : `${scenario.title} in ${regions.from}, no traffic moves`;
}

export function drillMarkdown(record: DrillRecord): string {
  const { scenario, regions, targets, predictions, change } = record;
  const lines = [`# Drill ${record.id}: ${inline(drillTitle(record))}`, ''];
  lines.push(
    '| | |',
    '|---|---|',
    `| id | \`${record.id}\` |`,
    `| kind | ${record.kind} |`,
    `| outcome | ${OUTCOME_LABEL[drillOutcome(record)]} |`,
    `| commit | \`${record.commit}\` |`,
    `| proposer | ${inline(record.proposer)} |`,
    `| approver | ${record.approver ? inline(record.approver) : '_not yet approved_'} |`,
    `| window (UTC) | ${record.window.start} to ${record.window.end} |`,
    `| scenario | \`${scenario.id}\` |`,
    `| regions | from ${regions.from} to ${regions.to} |`,
    `| runbook | ${inline(scenario.runbook)} (docs/runbooks.md) |`,
    `| risk class | ${change.class} |`,
    `| branch | ${change.branch ? `\`${change.branch}\`` : '_none_'} |`,
    '',
    '## Hypothesis',
    '',
    inline(scenario.hypothesis),
    '',
    // Evidence says what injected the faults: a template of this repository, or nothing of it.
    scenario.experimentTemplate
      ? `Faults injected in ${regions.from} by the FIS experiment template \`${scenario.experimentTemplate}\`, in order: ${faultList(scenario.faults)}.`
      : `Faults the scenario calls for, in order: ${faultList(scenario.faults)}. No FIS experiment template of this repository injects them in ${regions.from}: they were injected by other means, or the drill was held as a tabletop exercise.`,
    '',
  );
  const assumed = Object.entries(record.assumptions);
  if (assumed.length) lines.push(`**What-if:** planned with resilience assumptions overridden: ${assumed.map(([key, value]) => `\`${key}\` = ${value} s`).join(', ')}.`, '');

  lines.push('## RTO and RPO', '', '| term | target | predicted | arithmetic |', '|---|---|---|---|');
  lines.push(predictions.rto ? `| RTO | ≤ ${targets.rtoSeconds} s | ${predictions.rto.seconds} s | ${inline(predictions.rto.arithmetic)} |` : `| RTO | not held: no traffic moves | | |`);
  for (const figure of predictions.rpo) lines.push(`| RPO ${figure.dataSet} | ≤ ${figure.targetSeconds} s (SLO ${targets.rpoSeconds} s) | ${figure.boundSeconds} s | ${inline(figure.arithmetic)} |`);
  lines.push('');
  lines.push('## The change', '', inline(change.summary), '');
  if (change.breaches.length) lines.push(`**Breaches the ${change.breaches.map((term) => term.toUpperCase()).join(' and ')} SLO.**`, '');
  lines.push(change.passed ? 'The policies pass the change.' : 'The policies block the change:', '');
  for (const finding of change.blocking) lines.push(`- \`${inline(finding.policy)}\` ${inline(finding.file)} ${inline(finding.path)}: ${inline(finding.message)}`);
  if (change.blocking.length) lines.push('');
  if (change.files.length) lines.push('Inputs edited: ' + change.files.map((file) => `\`${inline(file)}\``).join(', ') + '.', '');

  lines.push('## Timeline', '', '| # | step | who | where |', '|---|---|---|---|');
  for (const step of record.steps) lines.push(`| ${step.order} | ${inline(step.what)} | ${inline(step.who)} | ${inline(step.where)} |`);
  lines.push('');

  lines.push('## Measured results', '');
  if (!record.measurements.length) lines.push('_Not yet recorded: `npm run drill -- record ' + record.id + ' --from-json <GetPlanExecution or GetExperiment output>`._', '');
  for (const measurement of record.measurements) {
    const source = measurement.source === 'fis' ? 'AWS FIS experiment' : 'ARC Region switch execution';
    lines.push(`### ${source} \`${inline(measurement.id)}\``, '');
    lines.push(`State **${inline(measurement.state)}**${measurement.stateReason ? ` (${inline(measurement.stateReason)})` : ''}, from ${measurement.start ?? '?'} to ${measurement.end ?? '?'}; recorded ${measurement.recordedAt}.`);
    lines.push(measurement.recoveryTimeSeconds === undefined ? 'Recovery time: not measured by this source.' : `Recovery time: ${measurement.recoveryTimeSeconds} s.`, '');
    if (measurement.timeline.length) {
      lines.push('| step | status | start | end |', '|---|---|---|---|');
      for (const step of measurement.timeline) lines.push(`| ${inline(step.name)} | ${inline(step.status)} | ${step.start ?? ''} | ${step.end ?? ''} |`);
      lines.push('');
    }
  }
  lines.push('## Deviations', '');
  if (!record.deviations.length) lines.push(record.measurements.length ? '_None._' : '_None until measured._', '');
  else {
    lines.push('| term | expected | measured | delta | breach |', '|---|---|---|---|---|');
    for (const deviation of record.deviations) lines.push(`| ${deviation.term} | ${inline(deviation.expected)} | ${inline(deviation.measured)} | ${deviation.deltaSeconds === undefined ? '' : `${deviation.deltaSeconds > 0 ? '+' : ''}${deviation.deltaSeconds} s`} | ${deviation.breach ? '**yes**' : 'no'} |`);
    lines.push('');
  }
  lines.push('## Follow-up actions', '');
  if (!record.followUps.length) lines.push('_None._', '');
  else {
    lines.push('| action | owner | due | done |', '|---|---|---|---|');
    for (const followUp of record.followUps) lines.push(`| ${inline(followUp.action)} | ${inline(followUp.owner)} | ${followUp.due} | ${followUp.done ? 'yes' : 'no'} |`);
    lines.push('');
  }
  lines.push('## Sign-off', '');
  lines.push(record.signOff ? `Signed off by ${inline(record.signOff.by)} at ${record.signOff.at}: ${inline(record.signOff.statement)}` : '_Not signed off._', '');
  return `${lines.join('\n')}`;
}

/** `operations/drill-log.md`: one line per drill, newest first, with its timestamps and outcome (seed §10). */
export function drillLogMarkdown(records: readonly DrillRecord[]): string {
  const lines = [
    '# Drill log',
    '',
    'Regenerated by `npm run drill` from the evidence records under `drills/` ([what they hold](README.md)); do not edit by hand.',
    '',
    '| drill | window (UTC) | scenario | from → to | predicted RTO | measured recovery | outcome | signed off |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const record of [...records].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))) {
    const measured = record.measurements.map((m) => m.recoveryTimeSeconds).find((value) => value !== undefined);
    lines.push(
      `| [${record.id}](drills/${record.id}.md) | ${record.window.start} to ${record.window.end} | ${record.scenario.id} (${record.kind}) | ${movesTraffic(record.scenario.id) ? `${record.regions.from} → ${record.regions.to}` : `${record.regions.from}, no traffic moves`} | ${record.predictions.rto ? `${record.predictions.rto.seconds} s` : 'n/a'} | ${measured === undefined ? '' : `${measured} s`} | ${drillOutcome(record)} | ${record.signOff ? inline(record.signOff.by) : ''} |`,
    );
  }
  if (!records.length) lines.push('| _no drills yet_ | | | | | | | |');
  return `${lines.join('\n')}\n`;
}

function faultList(faults: DrillRecord['scenario']['faults']): string {
  return faults.map((fault) => `\`${fault.id}\` (\`${fault.fisAction}\`)`).join(', ') || '_none_';
}
