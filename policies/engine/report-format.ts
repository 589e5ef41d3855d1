import type { Model } from '../../schemas';
import type { PolicyMetadata } from './bundle';
import { blocking, type Finding, type PolicyReport } from './engine';
import type { ChangeSummary, ResourceChanges } from './input';

export const FORMATS = ['markdown', 'text', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

/** Everything a change plan shows: the head's report, and the base's when a change is judged. */
export interface ChangePlan {
  title: string;
  head: { model: Model; report: PolicyReport };
  base?: { model: Model; report: PolicyReport; label: string };
  change?: ChangeSummary;
  policies: PolicyMetadata[];
}

export function render(plan: ChangePlan, format: Format): string {
  switch (format) {
    case 'markdown':
      return markdown(plan);
    case 'text':
      return text(plan);
    case 'json':
      return `${JSON.stringify({ title: plan.title, classification: plan.head.report.classification, resilience: { before: plan.base?.report.resilience ?? null, after: plan.head.report.resilience }, findings: plan.head.report.findings, change: plan.change ?? null }, null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(sarif(plan), null, 2)}\n`;
  }
}

const CLASS_LABEL = { standard: 'Standard (pre-approved)', normal: 'Normal', 'cab-required': 'CAB required', emergency: 'Emergency' } as const;

function markdown(plan: ChangePlan): string {
  const { report, model } = plan.head;
  const failing = blocking(report);
  const waived = report.findings.filter((finding) => finding.waiver);
  const lines = [`## ${plan.title}`, ''];
  const decided = report.classification.reasons.find((reason) => reason.rule === report.classification.rule);
  lines.push(`**Risk class: ${CLASS_LABEL[report.classification.class]}**, decided by \`${report.classification.rule}\`${decided ? `: ${decided.message}` : ''}`, '');
  if (report.classification.reasons.length > 1) {
    lines.push('| rule | class | why |', '|---|---|---|', ...report.classification.reasons.map((r) => `| \`${r.rule}\` | ${r.class} | ${cell(r.message)} |`), '');
  }

  lines.push('### What changes per region', '', '| region | role | weight | read-only | read preference | Terraform (+ / ~ / −) | manifests (+ / ~ / −) |', '|---|---|---|---|---|---|---|');
  const before = new Map(plan.base?.model.regions.map((region) => [region.id, region]));
  const ids = [...new Set([...model.regions.map((r) => r.id), ...before.keys()])].sort();
  for (const id of ids) {
    const head = model.regions.find((region) => region.id === id);
    const base = before.get(id);
    const show = (read: (r: NonNullable<typeof head>) => unknown) => transition(base ? read(base) : undefined, head ? read(head) : undefined, plan.base !== undefined);
    lines.push(`| ${id} | ${show((r) => r.role)} | ${show((r) => r.traffic.weight)} | ${show((r) => r.readOnly)} | ${show((r) => r.readPreference)} | ${counts(plan.change?.terraform[id])} | ${counts(plan.change?.manifests[id])} |`);
  }
  if (plan.change?.terraform.global) lines.push(`| global | | | | | ${counts(plan.change.terraform.global)} | |`);
  lines.push('');
  lines.push(...appChanges(plan));
  if (plan.change) {
    const resources = Object.entries(plan.change.terraform).flatMap(([stack, c]) => [
      ...c.added.map((a) => `+ ${stack}: ${a}`),
      ...c.changed.map((a) => `~ ${stack}: ${a} (${(c.attributes[a] ?? []).join(', ')})`),
      ...c.removed.map((a) => `- ${stack}: ${a}`),
    ]);
    lines.push(`<details><summary>${plan.change.files.length} files changed, ${resources.length} Terraform resources affected</summary>`, '', '```diff');
    lines.push(...plan.change.files.map((file) => `${file.status === 'added' ? '+' : file.status === 'deleted' ? '-' : '~'} ${file.path}`));
    if (resources.length) lines.push('', ...resources);
    lines.push('```', '', '</details>', '');
  }

  lines.push('### Resilience', '', '| | before | after | objective |', '|---|---|---|---|');
  const rtoBefore = plan.base?.report.resilience.rto;
  const { rto, rpo } = report.resilience;
  lines.push(`| RTO bound | ${rtoBefore ? `${rtoBefore.boundSeconds} s` : 'n/a'} | ${rto.boundSeconds} s (losing ${rto.worstRegion}) | ≤ ${rto.sloSeconds} s |`);
  for (const [name, figure] of Object.entries(rpo.byDataSet)) {
    const was = plan.base?.report.resilience.rpo.byDataSet[name];
    lines.push(`| RPO bound, ${name} | ${was ? `${was.boundSeconds} s` : 'n/a'} | ${figure.boundSeconds} s | ≤ ${figure.targetSeconds} s (SLO ${rpo.sloSeconds} s) |`);
  }
  lines.push('', '<details><summary>Arithmetic</summary>', '', ...Object.values(rto.byRegion).map((r) => `- ${r.arithmetic}`), ...Object.values(rpo.byDataSet).map((d) => `- ${d.arithmetic}`), '', '</details>', '');

  lines.push('### Policy results', '');
  lines.push(failing.length ? `❌ ${failing.length} of ${plan.policies.length} policies' findings block this change.` : `✅ ${plan.policies.length} policies, no blocking findings.`, '');
  if (failing.length) lines.push('| severity | policy | where | finding | remediation |', '|---|---|---|---|---|', ...failing.map((f) => `| ${f.severity} | \`${f.policy}\` | \`${where(f)}\` | ${cell(f.message)} | ${cell(f.remediation)} |`), '');
  if (waived.length) lines.push('**Waived**', '', '| policy | where | waiver owner | expires | reason |', '|---|---|---|---|---|', ...waived.map((f) => `| \`${f.policy}\` | \`${where(f)}\` | ${f.waiver!.owner} | ${f.waiver!.expires} | ${cell(f.waiver!.reason)} |`), '');
  return `${lines.join('\n')}\n`;
}

function text(plan: ChangePlan): string {
  const { report } = plan.head;
  const lines = [plan.title, `risk class: ${report.classification.class} (${report.classification.rule})`];
  for (const reason of report.classification.reasons) lines.push(`  ${reason.class.padEnd(12)} ${reason.rule}: ${reason.message}`);
  lines.push('resilience:', ...Object.values(report.resilience.rto.byRegion).map((r) => `  ${r.arithmetic}`), ...Object.values(report.resilience.rpo.byDataSet).map((d) => `  ${d.arithmetic}`));
  lines.push(`findings: ${blocking(report).length} blocking, ${report.findings.length - blocking(report).length} waived`);
  for (const finding of report.findings) {
    lines.push(`  ${finding.waiver ? 'WAIVED ' : ''}${formatFinding(finding)}`);
    if (!finding.waiver) lines.push(`      fix: ${finding.remediation}`);
  }
  return `${lines.join('\n')}\n`;
}

const SARIF_LEVEL = { critical: 'error', high: 'error', medium: 'warning', low: 'note' } as const;

/** SARIF 2.1.0 for code-scanning UIs: one rule per policy, one result per finding, waivers as suppressions. */
function sarif(plan: ChangePlan): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'multi-region-policies',
            rules: plan.policies.map((policy) => ({
              id: policy.id,
              name: policy.title,
              shortDescription: { text: policy.title },
              fullDescription: { text: policy.rationale },
              help: { text: policy.remediation },
              defaultConfiguration: { level: SARIF_LEVEL[policy.severity] },
              properties: { severity: policy.severity },
            })),
          },
        },
        results: plan.head.report.findings.map((finding) => ({
          ruleId: finding.policy,
          level: SARIF_LEVEL[finding.severity],
          message: { text: finding.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: finding.location.file },
                ...(finding.location.line ? { region: { startLine: finding.location.line, startColumn: finding.location.column ?? 1 } } : {}),
              },
              ...(finding.location.path ? { logicalLocations: [{ fullyQualifiedName: finding.location.path }] } : {}),
            },
          ],
          ...(finding.waiver ? { suppressions: [{ kind: 'external', justification: `${finding.waiver.reason} (${finding.waiver.owner}, until ${finding.waiver.expires})` }] } : {}),
        })),
      },
    ],
  };
}

/** Apps whose definition changed, field by field; unchanged apps are not listed. */
function appChanges(plan: ChangePlan): string[] {
  if (!plan.base) return [];
  const before = new Map(plan.base.model.apps.map((app) => [app.name, app]));
  const after = new Map(plan.head.model.apps.map((app) => [app.name, app]));
  const rows: string[] = [];
  for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const [was, is] = [before.get(name), after.get(name)];
    if (!was || !is) {
      rows.push(`| ${name} | ${was ? 'removed' : 'added'} | |`);
      continue;
    }
    for (const field of [...new Set([...Object.keys(was), ...Object.keys(is)])].sort()) {
      const [a, b] = [JSON.stringify((was as Record<string, unknown>)[field]), JSON.stringify((is as Record<string, unknown>)[field])];
      if (a !== b) rows.push(`| ${name} | \`${field}\` | ${cell(`${a ?? '(unset)'} → ${b ?? '(unset)'}`)} |`);
    }
  }
  return rows.length ? ['### What changes per app', '', '| app | field | before → after |', '|---|---|---|', ...rows, ''] : [];
}

/** `HIGH traffic.weights-sum-to-100 regions/us-west-2.ts: traffic.weight: …` */
export function formatFinding(finding: Finding): string {
  const { file, path, line, column } = finding.location;
  return `${finding.severity.toUpperCase()} ${finding.policy} ${file}${line ? `:${line}:${column ?? 1}` : ''}:${path ? ` ${path}:` : ''} ${finding.message}`;
}

function where(finding: Finding): string {
  const { file, path, line } = finding.location;
  const at = line ? `${file}:${line}` : file;
  return path ? `${at}: ${path}` : at;
}

function transition(before: unknown, after: unknown, comparing: boolean): string {
  if (!comparing || before === after) return after === undefined ? '(removed)' : String(after);
  if (before === undefined) return `(new) ${String(after)}`;
  if (after === undefined) return `${String(before)} → (removed)`;
  return `**${String(before)} → ${String(after)}**`;
}

function counts(changes: ResourceChanges | undefined): string {
  return changes ? `${changes.added.length} / ${changes.changed.length} / ${changes.removed.length}` : '–';
}

function cell(value: string): string {
  return value.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
