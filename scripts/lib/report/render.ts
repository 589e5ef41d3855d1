import { inline } from '../../../modules/drills/render';
import { SCENARIO_IDS } from '../../../schemas/scenarios';
import { blocking } from '../../../policies/engine/engine';
import { drillOutcome, RISK_CLASSES, type DrillRecord } from '../../../schemas/drill-record';
import type { ReportData } from './collect';
import type { MergedChange } from './merged-changes';

/**
 * The seed's report templates (§12) filled from what the repository knows. What it cannot know (measured
 * availability, latency, cost, incidents) is an explicit blank saying where to read it, never a guess.
 */
export function renderReport(data: ReportData): string {
  const sections = data.options.kind === 'weekly' ? weekly(data) : data.options.kind === 'monthly' ? monthly(data) : postmortem(data);
  return `${sections.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

const TITLES = { weekly: 'Weekly operations report', monthly: 'Monthly executive report', postmortem: 'Postmortem' } as const;

function header(data: ReportData): string[] {
  const { kind, since, until, ref } = data.options;
  return [
    `# ${TITLES[kind]}: ${day(since)} to ${day(until)} (UTC)`,
    '',
    `From \`${inline(ref)}\` and the working tree: changes merged from ${since.toISOString()} until ${until.toISOString()}, the drill records in \`operations/drills/\`, \`policies/waivers.yaml\` and the SLOs in \`regions/global.yaml\` and \`apps/\`. Figures the repository cannot know are marked _to fill_ with where to read them; none is estimated.`,
    '',
  ];
}

function weekly(data: ReportData): string[] {
  const regions = data.model.regions;
  const slo = data.model.global.slo;
  return [
    ...header(data),
    '## Availability per region',
    '',
    ...table(
      ['region', 'role', 'target', 'measured'],
      regions.map((region) => [region.id, region.role, `${slo.availabilityPercent} %`, blank("1 − the 5xx ratio over the window, from the region's Prometheus (dashboard: regions side by side)")]),
    ),
    '## Latency percentiles',
    '',
    ...table(
      ['region', 'p95 target', 'p50', 'p95', 'p99'],
      regions.map((region) => [region.id, `${slo.crossRegionP95LatencyMs} ms`, blank('Prometheus'), blank('Prometheus'), blank('Prometheus')]),
    ),
    ...replicationLag(data),
    '## Incidents',
    '',
    blank('incidents opened in the window, from the incident tracker, with severity and duration'),
    '',
    ...declarations(data),
    ...changesShipped(data),
    ...drills(data),
    '## Capacity headroom',
    '',
    ...table(
      ['region', 'node groups (min / desired / max nodes, configured)', 'headroom'],
      regions.map((region) => [region.id, region.eks.nodeGroups.map((group) => `${inline(group.name)}: ${group.minSize} / ${group.desiredSize} / ${group.maxSize}`).join('; '), blank('peak CPU and memory requested against allocatable, from each cluster')]),
    ),
    ...waivers(data),
    ...sloConfiguration(data),
  ];
}

function monthly(data: ReportData): string[] {
  const regions = data.model.regions;
  const slo = data.model.global.slo;
  return [
    ...header(data),
    '## SLA adherence',
    '',
    ...table(
      ['region', 'availability target', 'measured', 'error budget spent'],
      regions.map((region) => [region.id, `${slo.availabilityPercent} %`, blank("the region's Prometheus, 30 days"), blank('the error-budget panel')]),
    ),
    '## Cost by region',
    '',
    ...table(
      ['region', 'cost', 'change on last month'],
      regions.map((region) => [region.id, blank(`AWS Cost Explorer, tag project=${inline(data.model.global.name)}, region ${region.awsRegion}`), blank('AWS Cost Explorer')]),
    ),
    ...drills(data),
    ...drillCoverage(data),
    '## Risk posture',
    '',
    ...riskPosture(data),
    ...changesShipped(data),
    ...declarations(data),
    '## Roadmap milestones',
    '',
    blank('milestones reached and planned, from the roadmap'),
    '',
    '## Business impact of resilience improvements',
    '',
    blank('downtime avoided and its cost, from the incidents and the business'),
    '',
    ...waivers(data),
    ...sloConfiguration(data),
  ];
}

function postmortem(data: ReportData): string[] {
  return [
    ...header(data),
    '## Summary',
    '',
    blank('what happened, in two sentences'),
    '',
    '## Timeline (UTC)',
    '',
    'What the repository recorded in the window; add detection, escalation, mitigation and resolution from the incident channel.',
    '',
    ...table(['time', 'event'], timeline(data)),
    '## Detection',
    '',
    blank('the first alert (name, region, target_region) and when it fired; how long until someone acknowledged it'),
    '',
    '## Blast radius',
    '',
    ...table(
      ['region', 'role', 'affected'],
      data.model.regions.map((region) => [region.id, region.role, blank('yes / no, and which apps and data sets')]),
    ),
    '## Customer impact',
    '',
    blank('failed requests, orders affected and for how long, from the service metrics'),
    '',
    '## Root cause',
    '',
    blank('the cause, and why the controls did not stop it'),
    '',
    '## Corrective and preventive actions',
    '',
    ...table(['action', 'owner', 'due'], [[blank('action'), blank('@team'), blank('YYYY-MM-DD')]]),
    '## Verification steps',
    '',
    blank('how each action is shown to work: the spec or gate that covers it, and the drill that rehearses it (`npm run drill -- --from <region> --scenario <scenario>`)'),
    '',
    ...changesShipped(data),
    ...sloConfiguration(data),
  ];
}

function replicationLag(data: ReportData): string[] {
  const bounds = data.report.resilience.rpo.byDataSet;
  return [
    '## Replication lag',
    '',
    ...table(
      ['data set', 'store, mode', 'alert threshold', 'RPO target', 'loss bound (configured)', 'max lag measured'],
      data.model.replication.dataSets.map((dataSet) => [
        dataSet.name,
        `${dataSet.store}, ${dataSet.mode}`,
        `${dataSet.lagAlertSeconds} s`,
        `${dataSet.rpoSeconds} s`,
        bounds[dataSet.name] ? `${bounds[dataSet.name]!.boundSeconds} s` : '–',
        blank('the replication-lag row of the dashboard'),
      ]),
    ),
  ];
}

function changesShipped(data: ReportData): string[] {
  const counts = RISK_CLASSES.map((riskClass) => `${riskClass} ${data.changes.filter((change) => change.classification?.class === riskClass).length}`);
  const unclassified = data.changes.filter((change) => !change.classification).length;
  return [
    '## Changes shipped',
    '',
    `${data.changes.length} merged on \`${inline(data.options.ref)}\`: ${counts.join(', ')}${unclassified ? `, not classified ${unclassified}` : ''}. Classes are the policy engine's, as \`npm run plan-change\` gives them, judged at merge time.`,
    '',
    ...(data.changes.length ? table(['merged (UTC)', 'commit', 'change', 'author', 'class (rule)', 'blocking findings at merge'], data.changes.map(changeRow)) : []),
  ];
}

function changeRow(change: MergedChange): string[] {
  const subject = `${text(change.subject, 200)}${change.pullRequest ? ` (pull request #${change.pullRequest})` : ''}`;
  const classification = change.classification ? `${change.classification.class} (\`${change.classification.rule}\`)` : `not classified: ${text(change.unclassified ?? '', 300)}`;
  return [change.date, `\`${change.commit.slice(0, 12)}\``, subject, text(change.author, 100), classification, change.classification ? String(change.classification.blockingFindings) : '–'];
}

function drills(data: ReportData): string[] {
  const lines = ['## Failover drills', ''];
  if (!data.drills.length) lines.push('No drill started in the window.', '');
  else {
    const outcomes = ['passed', 'failed', 'incomplete', 'blocked', 'planned'].map((outcome) => `${outcome} ${data.drills.filter((record) => drillOutcome(record) === outcome).length}`);
    lines.push(`${data.drills.length} drills: ${outcomes.join(', ')}.`, '');
    lines.push(...table(['drill', 'kind', 'scenario', 'regions', 'approver', 'RTO predicted', 'recovery measured', 'outcome'], data.drills.map(drillRow)));
  }
  if (data.openFollowUps.length) {
    const until = day(data.options.until);
    lines.push('Open follow-up actions from every drill:', '');
    lines.push(...table(['due', 'owner', 'action', 'drill'], data.openFollowUps.map((followUp) => [followUp.due < until ? `**${followUp.due} (overdue)**` : followUp.due, inline(followUp.owner), inline(followUp.action), `\`${followUp.drill}\``])));
  }
  return lines;
}

function drillRow(record: DrillRecord): string[] {
  const measured = record.measurements.map((measurement) => measurement.recoveryTimeSeconds).filter((seconds) => seconds !== undefined);
  return [
    `\`${record.id}\``,
    record.kind,
    record.scenario.id,
    `${record.regions.from} → ${record.regions.to}`,
    record.approver ? inline(record.approver) : '_none_',
    record.predictions.rto ? `${record.predictions.rto.seconds} s (target ${record.targets.rtoSeconds} s)` : 'not held (no traffic moves)',
    measured.length ? `${measured.at(-1)} s` : '_not recorded_',
    drillOutcome(record),
  ];
}

/**
 * Which region × scenario pairs no drill rehearsed in the window: the seed asks for a drill per month. Only a
 * drill that ran counts: measured to a verdict (passed or failed), planned with the configuration as it is (no
 * `--assume` what-if); a plan nobody ran, a blocked one or one still missing its recovery time does not.
 */
export function rehearsed(record: DrillRecord): boolean {
  const outcome = drillOutcome(record);
  return record.kind === 'failover' && (outcome === 'passed' || outcome === 'failed') && Object.keys(record.assumptions).length === 0;
}

function drillCoverage(data: ReportData): string[] {
  const drilled = new Set(data.drills.filter(rehearsed).map((record) => `${record.regions.from}/${record.scenario.id}`));
  const missing = data.model.regions.flatMap((region) => SCENARIO_IDS.filter((scenario) => !drilled.has(`${region.id}/${scenario}`)).map((scenario) => `${region.id} ${scenario}`));
  return ['### Not rehearsed in the window', '', missing.length ? missing.map((pair) => `- ${pair}`).join('\n') : 'Every region and scenario was drilled.', ''];
}

function riskPosture(data: ReportData): string[] {
  const findings = blocking(data.report);
  const until = day(data.options.until);
  const overdue = data.openFollowUps.filter((followUp) => followUp.due < until).length;
  return [
    `- Blocking policy findings on the working tree: ${findings.length}${findings.length ? ` (${findings.map((finding) => `\`${finding.policy}\``).join(', ')})` : ''}.`,
    `- Waivers in force: ${data.waivers.inForce}; expiring within ${data.options.waiverDays} days: ${data.waivers.expiring.length}.`,
    `- Open drill follow-ups: ${data.openFollowUps.length}, overdue: ${overdue}.`,
    `- RTO bound of the configuration: ${data.report.resilience.rto.boundSeconds} s against ${data.report.resilience.rto.sloSeconds} s (worst: losing ${data.report.resilience.rto.worstRegion}).`,
    '- The risks, their owners and what covers each: `docs/risk-register.md`; likelihoods reviewed against the figures above.',
    `- ${blank('changes to impact or likelihood agreed this month')}`,
    '',
  ];
}

function declarations(data: ReportData): string[] {
  if (!data.declarations.length && !data.freezes.length) return [];
  return [
    '### Declarations and freezes in the window',
    '',
    ...table(
      ['kind', 'name', 'start', 'end', 'detail'],
      [
        ...data.declarations.map((declaration) => [
          declaration.kind,
          declaration.name,
          declaration.start,
          declaration.end,
          `${declaration.kind === 'failover' ? `${declaration.from} → ${declaration.to}; ` : ''}declared by ${inline(declaration.declaredBy)}${declaration.kind === 'emergency' ? `, approved by ${inline(declaration.approvedBy)}` : ''}: ${inline(declaration.reason)}`,
        ]),
        ...data.freezes.map((freeze) => ['freeze', freeze.name, freeze.start, freeze.end, inline(freeze.reason)]),
      ],
    ),
  ];
}

function timeline(data: ReportData): string[][] {
  const events: Array<[string, string]> = [
    ...data.declarations.flatMap((declaration): Array<[string, string]> => [
      [declaration.start, `${declaration.kind} declaration \`${declaration.name}\` starts${declaration.kind === 'failover' ? ` (${declaration.from} → ${declaration.to})` : ''}`],
      [declaration.end, `${declaration.kind} declaration \`${declaration.name}\` ends`],
    ]),
    ...data.freezes.map((freeze): [string, string] => [freeze.start, `change freeze \`${freeze.name}\` starts`]),
    ...data.changes.map((change): [string, string] => [change.date, `merged \`${change.commit.slice(0, 12)}\`: ${text(change.subject, 200)}${change.classification ? ` (${change.classification.class})` : ''}`]),
    ...data.drills.map((record): [string, string] => [record.window.start, `drill \`${record.id}\` (${record.scenario.id}, ${record.regions.from} → ${record.regions.to}) window starts, outcome ${drillOutcome(record)}`]),
  ];
  const [since, until] = [data.options.since.toISOString(), data.options.until.toISOString()];
  const rows = events.filter(([time]) => time >= since && time < until).sort(([a], [b]) => a.localeCompare(b));
  return [...rows.map(([time, event]) => [time, event]), [blank('time'), blank('detection, escalation, mitigation, resolution')]];
}

function waivers(data: ReportData): string[] {
  const { expiring } = data.waivers;
  return [
    `## Waivers expiring within ${data.options.waiverDays} days`,
    '',
    ...(expiring.length
      ? table(
          ['expires', 'policy', 'target', 'owner', 'reason'],
          expiring.map((waiver) => [waiver.expires < data.options.until.toISOString() ? `**${waiver.expires} (expired)**` : waiver.expires, `\`${waiver.policy}\``, `\`${inline(waiver.target.file)}\` ${inline(waiver.target.path)}`, inline(waiver.owner), inline(waiver.reason)]),
        )
      : ['None.', '']),
  ];
}

function sloConfiguration(data: ReportData): string[] {
  const slo = data.model.global.slo;
  const rto = data.report.resilience.rto;
  return [
    '## SLO configuration',
    '',
    ...table(
      ['SLO', 'target'],
      [
        ['availability', `${slo.availabilityPercent} %`],
        ['cross-region p95 latency', `${slo.crossRegionP95LatencyMs} ms`],
        ['replication lag', `${slo.replicationLagSeconds} s`],
        ['error rate', `${slo.errorRatePercent} %`],
        ['RTO', `${slo.rtoMinutes} min`],
        ['RPO', `${slo.rpoMinutes} min`],
      ],
    ),
    ...table(
      ['app', 'availability', 'p95 latency', 'error rate'],
      data.model.apps.map((app) => [app.name, `${app.slo.availabilityPercent} %`, `${app.slo.p95LatencyMs} ms`, `${app.slo.errorRatePercent} %`]),
    ),
    'RTO bound of the configuration, per region lost (the policy engine’s arithmetic):',
    '',
    ...Object.entries(rto.byRegion).map(([region, figure]) => `- ${region}: ${inline(figure.arithmetic)}`),
    '',
  ];
}

function table(headers: string[], rows: string[][]): string[] {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`), ''];
}

/** A figure the repository cannot know, with where to read it. */
function blank(where: string): string {
  return `_to fill: ${where}_`;
}

/** Free text from git (author, subject): one line, bounded, escaped like the drill records' text. */
function text(value: string, max: number): string {
  const line = value.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ').replace(/\s+/g, ' ').trim();
  return inline(line.length > max ? `${line.slice(0, max - 1)}…` : line);
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
