import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { z } from 'zod';
import { BUNDLE_DIR, ENTRYPOINT, METADATA_FILE, READS_FILE, SEVERITIES, WASM_FILE, type InputReads, type PolicyMetadata } from './bundle';
import type { PolicyInput } from './input';

/** What every caller (gate, plan-change, console) needs to know when the bundle cannot be used. */
export class PolicyBundleError extends Error {
  constructor(problem: string) {
    super(`${problem}; rebuild it with \`npm run policies:build\` (needs the pinned OPA CLI: \`bash scripts/install-tools.sh opa\`)`);
    this.name = 'PolicyBundleError';
  }
}

const locationSchema = z.object({ file: z.string(), path: z.string() });

const waiverSchema = z.object({ policy: z.string(), target: locationSchema, reason: z.string(), owner: z.string(), expires: z.string() });

const rawReportSchema = z.object({
  findings: z.array(z.object({ policy: z.string(), message: z.string(), location: locationSchema, waiver: waiverSchema.optional() })),
  resilience: z.object({
    rto: z.object({
      boundSeconds: z.number(),
      sloSeconds: z.number(),
      worstRegion: z.string(),
      byRegion: z.record(z.string(), z.object({ seconds: z.number(), arithmetic: z.string() })),
    }),
    rpo: z.object({
      sloSeconds: z.number(),
      byDataSet: z.record(z.string(), z.object({ boundSeconds: z.number(), targetSeconds: z.number(), arithmetic: z.string() })),
    }),
  }),
  classification: z.object({
    class: z.enum(['standard', 'normal', 'cab-required', 'emergency']),
    rule: z.string(),
    reasons: z.array(z.object({ rule: z.string(), class: z.string(), message: z.string() })),
  }),
});

type RawReport = z.infer<typeof rawReportSchema>;

export interface Finding {
  policy: string;
  title: string;
  severity: PolicyMetadata['severity'];
  message: string;
  /** Repository-relative file and dotted path inside it; line and column where the file is YAML in the working tree. */
  location: { file: string; path: string; line?: number; column?: number };
  remediation: string;
  /** The unexpired waiver that accepts this finding; a waived finding is reported but does not fail. */
  waiver?: RawReport['findings'][number]['waiver'];
}

export interface PolicyReport {
  findings: Finding[];
  resilience: RawReport['resilience'];
  classification: RawReport['classification'];
}

export interface PolicyEngine {
  /** Every policy in the bundle, sorted by id. */
  policies: PolicyMetadata[];
  evaluate(input: PolicyInput): PolicyReport;
}

/**
 * Loads the committed wasm bundle once; `evaluate` can then be called for as many inputs as needed.
 * Fails closed: a missing, corrupt or incompatible bundle throws a PolicyBundleError.
 */
export async function loadPolicyEngine(root: string): Promise<PolicyEngine> {
  const dir = path.join(root, BUNDLE_DIR);
  const [wasm, metadataText, readsText] = await Promise.all([
    readFile(path.join(dir, WASM_FILE)).catch(() => {
      throw new PolicyBundleError(`the policy bundle ${BUNDLE_DIR}/${WASM_FILE} is missing`);
    }),
    readFile(path.join(dir, METADATA_FILE), 'utf8').catch(() => {
      throw new PolicyBundleError(`the policy metadata ${BUNDLE_DIR}/${METADATA_FILE} is missing`);
    }),
    // A bundle built before the list existed is given the whole input: slower, never less judged.
    readFile(path.join(dir, READS_FILE), 'utf8').catch(() => JSON.stringify({ input: 'all' } satisfies InputReads)),
  ]);
  let policy: LoadedPolicy;
  try {
    policy = await loadPolicy(wasm);
  } catch (error) {
    throw new PolicyBundleError(`${BUNDLE_DIR}/${WASM_FILE} is not a loadable OPA wasm module (${(error as Error).message})`);
  }
  let policies: PolicyMetadata[];
  try {
    policies = z
      .array(z.object({ id: z.string(), title: z.string(), rationale: z.string(), severity: z.enum(SEVERITIES), remediation: z.string(), file: z.string() }))
      .parse(JSON.parse(metadataText));
  } catch (error) {
    throw new PolicyBundleError(`${BUNDLE_DIR}/${METADATA_FILE} is not valid policy metadata (${(error as Error).message.split('\n')[0]})`);
  }
  let reads: InputReads;
  try {
    reads = z.object({ input: z.union([z.literal('all'), z.array(z.string())]) }).parse(JSON.parse(readsText));
  } catch (error) {
    throw new PolicyBundleError(`${BUNDLE_DIR}/${READS_FILE} is not a list of input keys (${(error as Error).message.split('\n')[0]})`);
  }
  // Only what some rule reads goes into wasm: copying the rest in (the manifests, which Kyverno judges) costs time and nothing else.
  const keys = reads.input === 'all' ? undefined : reads.input;
  const read = (input: PolicyInput) => (keys ? Object.fromEntries(keys.filter((key) => key in input).map((key) => [key, input[key as keyof PolicyInput]])) : input);
  const byId = new Map(policies.map((metadata) => [metadata.id, metadata]));
  const policyIds = policies.map((metadata) => metadata.id);
  return {
    policies,
    evaluate(input) {
      let raw: RawReport;
      try {
        const results = policy.evaluate({ ...read(input), policies: policyIds }, ENTRYPOINT) as Array<{ result?: unknown }>;
        if (results.length !== 1 || results[0]!.result === undefined) throw new Error(`the entrypoint ${ENTRYPOINT} gave no result`);
        raw = rawReportSchema.parse(results[0]!.result);
      } catch (error) {
        throw new PolicyBundleError(`evaluating ${BUNDLE_DIR}/${WASM_FILE} failed: ${(error as Error).message}`);
      }
      const findings = raw.findings.map((finding): Finding => {
        const metadata = byId.get(finding.policy);
        if (!metadata) throw new PolicyBundleError(`the bundle reported policy ${finding.policy}, which ${BUNDLE_DIR}/${METADATA_FILE} does not describe`);
        return { policy: finding.policy, title: metadata.title, severity: metadata.severity, message: finding.message, location: finding.location, remediation: metadata.remediation, ...(finding.waiver ? { waiver: finding.waiver } : {}) };
      });
      const { rto, rpo } = raw.resilience;
      // wasm objects come back in insertion order; reports list regions and data sets by name.
      const resilience = { rto: { ...rto, byRegion: sortedByKey(rto.byRegion) }, rpo: { ...rpo, byDataSet: sortedByKey(rpo.byDataSet) } };
      return { findings: findings.sort(compareFindings), resilience, classification: raw.classification };
    },
  };
}

function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** Most severe first, then by file, path and policy, so reports and PR comments are stable. */
function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    a.location.file.localeCompare(b.location.file) ||
    a.location.path.localeCompare(b.location.path) ||
    a.policy.localeCompare(b.policy) ||
    a.message.localeCompare(b.message)
  );
}

/** Findings that fail the gate: those no unexpired waiver accepts. */
export function blocking(report: PolicyReport): Finding[] {
  return report.findings.filter((finding) => !finding.waiver);
}
