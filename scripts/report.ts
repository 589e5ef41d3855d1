import path from 'node:path';
import { replaceFile } from '../modules/generated-dir';
import { PolicyBundleError } from '../policies/engine/engine';
import { RevisionError } from '../policies/engine/change';
import { formatLocated } from '../schemas';
import { commandLine } from './lib/command-line';
import { DrillRecordError } from './lib/drill-records';
import { collectReport, DEFAULT_DAYS, REPORT_KINDS, ReportInputError, type ReportKind } from './lib/report/collect';
import { renderReport } from './lib/report/render';

// `npm run report -- weekly|monthly|postmortem`: the seed's report templates filled from the repository (merged
// changes and their classes, drill records, SLOs, waivers); what it cannot know is left as a marked blank.
const USAGE = `usage: npm run report -- ${REPORT_KINDS.join('|')} [--since <ISO date-time>] [--until <ISO date-time>] [--out <file>] [--ref <branch>] [--max-changes <n>] [--waiver-days <n>]`;

const { values, positionals } = commandLine(
  {
    allowPositionals: true,
    options: {
      since: { type: 'string' },
      until: { type: 'string' },
      out: { type: 'string' },
      ref: { type: 'string' },
      'max-changes': { type: 'string', default: '50' },
      'waiver-days': { type: 'string', default: '30' },
      root: { type: 'string' },
    },
  },
  usage,
);

const [kind, ...extra] = positionals;
if (!kind || !(REPORT_KINDS as readonly string[]).includes(kind)) usage(`expected one of ${REPORT_KINDS.join(', ')}, got ${kind === undefined ? 'nothing' : JSON.stringify(kind)}`);
if (extra.length) usage(`unexpected argument ${JSON.stringify(extra[0])}`);
const reportKind = kind as ReportKind;
const until = values.until === undefined ? new Date() : dateOption('--until', values.until);
if (reportKind === 'postmortem' && values.since === undefined) usage('a postmortem needs --since <when the incident started>');
const since = values.since === undefined ? new Date(until.getTime() - DEFAULT_DAYS[reportKind as Exclude<ReportKind, 'postmortem'>] * 86_400_000) : dateOption('--since', values.since);
if (since >= until) usage(`--since (${since.toISOString()}) must be before --until (${until.toISOString()})`);
const maxChanges = count('--max-changes', values['max-changes'], 10_000);
const waiverDays = count('--waiver-days', values['waiver-days'], 366);
const root = path.resolve(values.root ?? process.env.MR_REPO_ROOT ?? '.');

try {
  const data = await collectReport(root, { kind: reportKind, since, until, maxChanges, waiverDays, ...(values.ref !== undefined ? { ref: values.ref } : {}) });
  const markdown = renderReport(data);
  if (values.out) {
    await replaceFile(path.resolve(values.out), markdown);
    console.error(`report: ${reportKind} report written to ${values.out}`);
  } else process.stdout.write(markdown);
} catch (error) {
  if (error instanceof ReportInputError || error instanceof RevisionError) {
    console.error(`report: ${error.message}${error.errors.map((located) => `\n  ${formatLocated(located)}`).join('')}`);
    process.exit(1);
  }
  if (error instanceof PolicyBundleError || error instanceof DrillRecordError) {
    console.error(`report: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

function dateOption(name: string, value: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) usage(`${name} must be an ISO-8601 date or date-time with a zone (2026-12-01 or 2026-12-01T08:00:00Z), got ${JSON.stringify(value)}`);
  return date;
}

function count(name: string, value: string, max: number): number {
  if (!/^\d{1,6}$/.test(value) || Number(value) > max) usage(`${name} must be a whole number from 0 to ${max}, got ${JSON.stringify(value)}`);
  return Number(value);
}

function usage(problem: string): never {
  console.error(`report: ${problem}\n${USAGE}`);
  process.exit(2);
}
