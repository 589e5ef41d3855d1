import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../schemas/scenarios';
import { exampleRepo, REPO_ROOT } from './helpers/example-repo';
import { brokenLinks, headingAnchors, relativeLinks } from './helpers/markdown-links';

/** The operational documents an auditor follows link by link; each link must land on something. */
async function operationalDocs(): Promise<string[]> {
  const adrs = (await readdir(path.join(REPO_ROOT, 'docs/adr'))).filter((file) => file.endsWith('.md')).map((file) => `docs/adr/${file}`);
  return ['docs/risk-register.md', 'docs/threat-model.md', 'docs/runbooks.md', 'operations/oncall.md', ...adrs.sort()];
}

async function text(file: string): Promise<string> {
  return readFile(path.join(REPO_ROOT, file), 'utf8');
}

/** The body of each `##`/`###` section, keyed by heading text. */
function sections(markdown: string, level: '##' | '###'): Map<string, string> {
  const result = new Map<string, string>();
  let current: string | undefined;
  for (const line of markdown.split('\n')) {
    const heading = new RegExp(`^${level} (.+)$`).exec(line)?.[1];
    if (heading) result.set((current = heading.trim()), '');
    else if (/^#{1,6} /.test(line) && line.split(' ')[0]!.length <= level.length) current = undefined;
    else if (current !== undefined) result.set(current, `${result.get(current)}${line}\n`);
  }
  return result;
}

describe('the risk register, threat model, runbooks, on-call list and ADRs', () => {
  it('have no relative link that points at a missing file, heading or line', async () => {
    expect(await brokenLinks(REPO_ROOT, await operationalDocs())).toEqual([]);
  });

  it('link to something: every document has relative links to follow', async () => {
    for (const file of ['docs/risk-register.md', 'docs/threat-model.md', 'docs/runbooks.md', 'operations/oncall.md']) {
      expect(relativeLinks(file, await text(file)).length, file).toBeGreaterThan(5);
    }
  });
});

describe('the link check', () => {
  it('reports a missing file, a missing heading, a line past the end, a path outside the repository and a malformed escape, each with file and line', async () => {
    const root = await exampleRepo();
    await mkdir(path.join(root, 'docs'), { recursive: true });
    await writeFile(path.join(root, 'docs/target.md'), '# Title\n\n## Region outage\n\n## Region outage\n');
    await writeFile(
      path.join(root, 'docs/doc.md'),
      [
        '[ok](target.md#region-outage) [repeat](target.md#region-outage-1) [self](#a-heading) [dir](../regions/)',
        '## A heading',
        '[gone](missing.md) [no heading](target.md#failback) [bad escape](%E0%A4%A.md)',
        '[past the end](target.md#L9) [lines](target.md#L1-L5) [outside](../../etc/passwd)',
        '`[in code](nowhere.md)` [web](https://example.com/nowhere)',
        '```',
        '[in a fence](nowhere.md)',
        '```',
      ].join('\n'),
    );
    execFileSync('git', ['init', '--quiet'], { cwd: root });
    expect(await brokenLinks(root, ['docs/doc.md'])).toEqual([
      'docs/doc.md:3: %E0%A4%A.md: not a valid percent-encoded path',
      'docs/doc.md:3: missing.md: docs/missing.md does not exist',
      'docs/doc.md:3: target.md#failback: docs/target.md has no heading #failback',
      'docs/doc.md:4: target.md#L9: docs/target.md has 5 lines, not L9',
      'docs/doc.md:4: ../../etc/passwd: points outside the repository',
    ]);
  });

  it('refuses a link to a git-ignored file, which a clone does not have', async () => {
    const root = await exampleRepo();
    await writeFile(path.join(root, '.gitignore'), 'scratch/\n');
    await mkdir(path.join(root, 'scratch'));
    await writeFile(path.join(root, 'scratch/notes.md'), '# Notes\n');
    await writeFile(path.join(root, 'doc.md'), 'See [notes](scratch/notes.md).\n');
    execFileSync('git', ['init', '--quiet'], { cwd: root });
    expect(await brokenLinks(root, ['doc.md'])).toEqual(['doc.md:1: scratch/notes.md: scratch/notes.md is git-ignored, so a clone does not have it']);
  });

  it('derives anchors the way GitHub does: punctuation dropped, code and emphasis unwrapped, repeats numbered', () => {
    expect([...headingAnchors('### Break-glass: when the forge (or the console) is down\n## `npm run drill` **failback**\n## Failback\n## Failback\n<a id="r-1"></a>')]).toEqual([
      'break-glass-when-the-forge-or-the-console-is-down',
      'npm-run-drill-failback',
      'failback',
      'failback-1',
      'r-1',
    ]);
  });
});

describe('the runbooks', () => {
  it('have the sections the drills and alerts point at: every scenario’s runbook and every generated alert’s runbook_url', async () => {
    const anchors = headingAnchors(await text('docs/runbooks.md'));
    for (const scenario of Object.values(SCENARIOS)) expect(anchors.has(headingAnchors(`## ${scenario.runbook}`).values().next().value!), scenario.id).toBe(true);
    const rules = (await readdir(path.join(REPO_ROOT, 'generated/k8s'), { recursive: true })).filter((file) => /monitoring\/prometheusrule-.*\.yaml$/.test(file));
    expect(rules.length).toBeGreaterThan(0);
    const fragments = new Set<string>();
    for (const rule of rules) for (const match of (await text(`generated/k8s/${rule}`)).matchAll(/runbook_url: \S+\/docs\/runbooks\.md#(\S+)/g)) fragments.add(match[1]!);
    expect(fragments.size).toBeGreaterThan(5);
    expect([...fragments].filter((fragment) => !anchors.has(fragment))).toEqual([]);
  });

  it('say, in each of region outage, replication lag spike, Kafka mirror lag and failback, which npm run drill, console action or ARC plan carries each step out', async () => {
    const bySection = sections(await text('docs/runbooks.md'), '##');
    for (const name of ['Region outage', 'Replication lag spike', 'Kafka mirror lag', 'Failback']) {
      const body = bySection.get(name);
      expect(body, name).toBeDefined();
      expect(body, name).toMatch(/npm run drill -- /);
      const steps = body!.split('\n').filter((line) => /^\d+\. /.test(line));
      expect(steps.length, name).toBeGreaterThan(2);
    }
  });
});

const SEED_RISKS = [
  'Split-brain writes',
  'Replication lag breaches',
  'Global service misrouting',
  'Kafka mirror failure',
  'Secrets exposure',
  'Cost spikes from duplicate regions',
  'Drift between regions',
  'Failover automation bug',
  'Observability blind spots',
  'Compliance gaps',
  'Data residency conflicts',
  'Human error during drills',
];

const COVERAGE = ['Policy', 'Alert', 'Runbook', 'Test'] as const;

describe('the risk register', () => {
  it('holds the seed’s twelve risks and more, each with owner, impact, likelihood, mitigation and what covers it', async () => {
    const risks = sections(await text('docs/risk-register.md'), '###');
    const titles = [...risks.keys()].map((heading) => heading.replace(/^R\d+\.\s*/, ''));
    for (const seed of SEED_RISKS) expect(titles, seed).toContain(seed);
    expect(risks.size).toBeGreaterThan(SEED_RISKS.length);
    for (const [heading, body] of risks) {
      const field = (name: string) => new RegExp(`^- \\*\\*${name}:\\*\\* (.+)$`, 'm').exec(body)?.[1]?.trim();
      expect(field('Owner'), heading).toMatch(/^\S/);
      expect(field('Impact'), heading).toMatch(/^(High|Medium|Low)\b/);
      expect(field('Likelihood'), heading).toMatch(/^(High|Medium|Low)\b/);
      expect(field('Mitigation')?.length ?? 0, heading).toBeGreaterThan(20);
      for (const kind of COVERAGE) {
        const value = field(kind);
        // Either a link to what covers the risk, or an explicit statement that nothing in this repository does.
        expect(value, `${heading}: ${kind}`).toMatch(/\]\(|^none in this repository\b/);
      }
      expect(relativeLinks(heading, body).length, `${heading} links to nothing`).toBeGreaterThan(0);
    }
  });
});

describe('the threat model', () => {
  it('covers each STRIDE category and each of the seed’s threat scenarios, each with linked controls', async () => {
    const threats = sections(await text('docs/threat-model.md'), '###');
    const expected = [
      'Spoofing',
      'Tampering',
      'Repudiation',
      'Information disclosure',
      'Denial of service',
      'Elevation of privilege',
      'Rogue region takeover',
      'Replication poison pill',
      'Stale DNS cache',
      'Split-brain writes',
      'Credentials stolen from CI',
    ];
    for (const name of expected) {
      const body = threats.get(name);
      expect(body, name).toBeDefined();
      expect(relativeLinks(name, body!).length, `${name} links to no control`).toBeGreaterThan(0);
      expect(body, name).toMatch(/\*\*Not in this repository:\*\*/);
    }
  });
});
