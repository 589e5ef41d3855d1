import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CHECKOV_SKIPS_FILE, count, formatLocated, loadCheckovSkips, type CheckovSkip } from '../../schemas';
import { resolveTool } from '../toolchain/resolve';
import { terraformStacks } from '../engine/input';
import { fail, pass, type Gate } from './gate';

const run = promisify(execFile);

export interface CheckovFinding {
  check: string;
  title: string;
  /** Terraform address as checkov reports it. */
  resource: string;
  stack: string;
  guideline?: string;
}

/**
 * checkov's `terraform_json` framework over every committed stack in one process: zero failed checks
 * except those a reviewed skip in `policies/checkov/skips.yaml` covers. A skip that covers nothing, or
 * has expired, fails too, so the file never outlives the resources it was written for.
 */
export const checkovGate: Gate = {
  name: 'checkov',
  description: 'checkov finds no failed check in any generated stack other than reviewed skips (policies/checkov/skips.yaml); stale or expired skips fail.',
  async run({ root, committed, now }) {
    const stacks = terraformStacks(committed);
    if (!stacks.length) return fail('no stacks under generated/terraform/', ['run `npm run synth` and commit generated/']);
    const checkov = resolveTool(root, 'checkov');
    if (!checkov.ok) return fail('checkov unavailable', [checkov.message]);
    const { skips, errors } = await loadCheckovSkips(root);
    if (errors.length) return fail(`${CHECKOV_SKIPS_FILE} is invalid`, errors.map(formatLocated));

    const work = await mkdtemp(path.join(tmpdir(), 'checkov-gate-'));
    try {
      for (const stack of stacks) {
        await mkdir(path.join(work, stack.name));
        await writeFile(path.join(work, stack.name, 'cdk.tf.json'), forCheckov(stack.config));
      }
      const report = await scan(checkov.path, work);
      if (report.parsingErrors.length) {
        return fail(`checkov could not parse ${count(report.parsingErrors.length, 'stack')}`, report.parsingErrors.map((file) => `generated/terraform${file}`));
      }
      const judged = applySkips(report.failed, skips, now ?? new Date());
      const problems = [
        ...judged.unskipped.map(
          (f) => `generated/terraform/${f.stack}/cdk.tf.json: ${f.resource}: ${f.check} ${f.title}${f.guideline ? ` (${f.guideline})` : ''}`,
        ),
        ...judged.stale.map((s) => `${CHECKOV_SKIPS_FILE}: skip ${s.check} ${s.resource} (stack ${s.stack}) matches no failed check; remove it`),
        ...judged.expired.map((s) => `${CHECKOV_SKIPS_FILE}: skip ${s.check} ${s.resource} expired ${s.expires}; fix the resource or renew the skip with the CAB`),
      ];
      const tally = `${report.passed} passed, ${count(report.failed.length - judged.unskipped.length, 'failure')} covered by ${count(skips.length, 'reviewed skip')}`;
      if (problems.length) {
        const fix = judged.unskipped.length ? [`fix the resource, or add a reviewed skip (check, resource, stack, reason, owner) to ${CHECKOV_SKIPS_FILE}`] : [];
        return fail(`${count(judged.unskipped.length, 'failed check')}, ${count(judged.stale.length + judged.expired.length, 'bad skip')} (${tally})`, [...problems, ...fix]);
      }
      return pass(`${count(stacks.length, 'stack')}: ${tally}`);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};

/** checkov 3.3 crashes on `terraform.required_version` in Terraform JSON (bridgecrewio/checkov#7454); nothing it checks depends on it. */
function forCheckov(original: Record<string, any>): string {
  const config = structuredClone(original);
  delete config.terraform?.required_version;
  return JSON.stringify(config, null, 1);
}

interface CheckovReport {
  passed: number;
  failed: CheckovFinding[];
  parsingErrors: string[];
}

async function scan(checkov: string, dir: string): Promise<CheckovReport> {
  const env = { ...process.env, BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false', LOG_LEVEL: 'ERROR' };
  const args = ['-d', dir, '--framework', 'terraform_json', '--skip-download', '--output', 'json'];
  // checkov exits 1 when any check fails; the report on stdout is what counts.
  const stdout = await run(checkov, args, { env, maxBuffer: 256 * 1024 * 1024 }).then(
    (result) => result.stdout,
    (error: { stdout?: string; stderr?: string; message: string }) => {
      if (error.stdout?.trim().startsWith('{') || error.stdout?.trim().startsWith('[')) return error.stdout;
      throw new Error(`checkov failed without a report: ${error.stderr || error.message}`);
    },
  );
  const parsed = JSON.parse(stdout) as RawReport | RawReport[];
  const reports = (Array.isArray(parsed) ? parsed : [parsed]).filter((report) => report.check_type === 'terraform_json');
  return {
    passed: reports.reduce((sum, report) => sum + (report.summary?.passed ?? 0), 0),
    parsingErrors: reports.flatMap((report) => report.results?.parsing_errors ?? []),
    failed: reports
      .flatMap((report) => report.results?.failed_checks ?? [])
      .map((check) => ({
        check: check.check_id,
        title: check.check_name,
        resource: check.resource,
        stack: check.file_path.split('/').filter(Boolean)[0] ?? '',
        ...(check.guideline ? { guideline: check.guideline } : {}),
      }))
      .sort((a, b) => `${a.stack} ${a.resource} ${a.check}`.localeCompare(`${b.stack} ${b.resource} ${b.check}`)),
  };
}

interface RawReport {
  check_type: string;
  summary?: { passed: number; failed: number };
  results?: {
    failed_checks?: Array<{ check_id: string; check_name: string; resource: string; file_path: string; guideline?: string | null }>;
    parsing_errors?: string[];
  };
}

/** Splits failures into those no skip covers, and finds skips that cover nothing or have expired. */
export function applySkips(failed: readonly CheckovFinding[], skips: readonly CheckovSkip[], now: Date) {
  const covers = (skip: CheckovSkip, finding: CheckovFinding) =>
    skip.check === finding.check && (skip.stack === '*' || skip.stack === finding.stack) && glob(skip.resource).test(finding.resource);
  const live = skips.filter((skip) => !skip.expires || new Date(skip.expires) > now);
  return {
    unskipped: failed.filter((finding) => !live.some((skip) => covers(skip, finding))),
    stale: live.filter((skip) => !failed.some((finding) => covers(skip, finding))),
    expired: skips.filter((skip) => skip.expires && new Date(skip.expires) <= now),
  };
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
