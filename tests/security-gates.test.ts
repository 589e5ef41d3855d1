import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { actionlintGate } from '../policies/gates/actionlint-gate';
import type { Gate, GateContext } from '../policies/gates/gate';
import { runGates, type GateOutcome } from '../policies/gates/registry';
import { sastGate } from '../policies/gates/sast-gate';
import { readAllowlists, secretsGate } from '../policies/gates/secrets-gate';
import { zizmorGate } from '../policies/gates/zizmor-gate';
import { toolsDir } from '../policies/toolchain/resolve';
import { REPO_ROOT } from './helpers/example-repo';

// Each gate runs its real tool (installed by `npm run setup`) against small repositories made here.
const scratchDirs: string[] = [];
afterAll(() => Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true }))));
// The checkout's tools, for repositories that have none of their own.
const checkoutTools = toolsDir(REPO_ROOT);
beforeEach(() => vi.stubEnv('MR_TOOLS_DIR', checkoutTools));
afterEach(() => vi.unstubAllEnvs());

async function scratch(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'security-gates-'));
  scratchDirs.push(root);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  }
  return root;
}

function gitInit(root: string): void {
  execFileSync('git', ['init', '--quiet', '--initial-branch=main'], { cwd: root });
}

/** These gates read only the working tree: no model, no synth. */
async function judge(gate: Gate, root: string): Promise<GateOutcome> {
  const context: GateContext = { root, load: { errors: [] }, committed: new Map() };
  const [outcome] = await runGates(context, [gate]);
  return outcome!;
}

async function sarifDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sarif-'));
  scratchDirs.push(dir);
  vi.stubEnv('MR_SARIF_DIR', dir);
  return dir;
}

async function readSarif(file: string): Promise<{ runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> }> {
  return JSON.parse(await readFile(file, 'utf8'));
}

const HARDENED_WORKFLOW = `name: checks
on:
  pull_request:
    branches: [main]
permissions: {}
jobs:
  test:
    runs-on: ubuntu-24.04
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - name: Test
        env:
          TITLE: \${{ github.event.pull_request.title }}
        run: printf '%s\\n' "$TITLE"
`;

describe('the actionlint gate', () => {
  it('passes workflows actionlint and shellcheck find nothing in', async () => {
    const outcome = await judge(actionlintGate, await scratch({ '.github/workflows/checks.yml': HARDENED_WORKFLOW }));
    expect([outcome.ok, outcome.summary]).toEqual([true, '1 workflow clean; run: scripts checked by shellcheck']);
  });

  it("fails on a run: script's shell problem and a job that needs a job that does not exist, each located", async () => {
    const root = await scratch({
      '.github/workflows/checks.yml': HARDENED_WORKFLOW.replace(`run: printf '%s\\n' "$TITLE"`, 'run: echo $TITLE').replace('    runs-on: ubuntu-24.04\n', '    runs-on: ubuntu-24.04\n    needs: build\n'),
    });
    const outcome = await judge(actionlintGate, root);
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toBe('2 problems');
    expect(outcome.details).toEqual([
      expect.stringMatching(/^\.github\/workflows\/checks\.yml:7:3: job "test" needs job "build" which does not exist in this workflow \[job-needs\]$/),
      expect.stringMatching(/^\.github\/workflows\/checks\.yml:19:\d+: shellcheck reported issue in this script: SC2086:.*Double quote to prevent globbing.* \[shellcheck\]$/),
    ]);
  });

  it('fails closed when there is no workflow to lint', async () => {
    const outcome = await judge(actionlintGate, await scratch({ 'README.md': '# no CI\n' }));
    expect([outcome.ok, outcome.summary]).toEqual([false, 'no workflow under .github/workflows/']);
  });
});

describe('the zizmor gate', () => {
  it('passes hardened workflows and still writes an empty SARIF report, so fixed alerts close', async () => {
    const sarif = await sarifDir();
    const outcome = await judge(zizmorGate, await scratch({ '.github/workflows/checks.yml': HARDENED_WORKFLOW }));
    expect([outcome.ok, outcome.details]).toEqual([true, []]);
    const report = await readSarif(path.join(sarif, 'zizmor.sarif'));
    expect(report.runs[0]!.results).toEqual([]);
  });

  it('fails on pull_request_target, template injection into run: and a checkout that keeps its credentials, with paths from the repository root', async () => {
    const sarif = await sarifDir();
    const insecure = HARDENED_WORKFLOW.replace('  pull_request:\n', '  pull_request_target:\n')
      .replace('        with:\n          persist-credentials: false\n', '')
      .replace(`run: printf '%s\\n' "$TITLE"`, 'run: echo "${{ github.event.pull_request.title }}"');
    const outcome = await judge(zizmorGate, await scratch({ '.github/workflows/checks.yml': insecure }));
    expect(outcome.ok).toBe(false);
    expect(outcome.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\.github\/workflows\/checks\.yml:3: .*pull_request_target.* \(zizmor\/dangerous-triggers\)$/),
        expect.stringMatching(/^\.github\/workflows\/checks\.yml:16: code injection via template expansion.* \(zizmor\/template-injection\)$/),
        expect.stringMatching(/^\.github\/workflows\/checks\.yml:12: credential persistence.* \(zizmor\/artipacked\)$/),
      ]),
    );
    const report = await readSarif(path.join(sarif, 'zizmor.sarif'));
    const uris = new Set(report.runs[0]!.results.map((result) => result.locations[0]!.physicalLocation.artifactLocation.uri));
    expect([...uris]).toEqual(['.github/workflows/checks.yml']);
  });
});

// Made at run time, so no committed file holds a key-shaped string.
const fakeAccessKey = () => `AKIA${Array.from({ length: 16 }, (_, index) => 'QWERTYUPASDFGHJKLZXCVBNM234567'[(index * 7 + Date.now()) % 29]).join('')}`;

describe('the secrets gate', () => {
  it('fails on a key in a file git would commit, redacted, ignoring inline allow comments and files git ignores', async () => {
    const sarif = await sarifDir();
    const key = fakeAccessKey();
    const root = await scratch({
      '.gitleaks.toml': '[extend]\nuseDefault = true\n',
      '.gitignore': 'local/\n',
      'src/config.ts': `export const region = 'us-east-1';\nexport const accessKeyId = '${key}'; // gitleaks:allow\n`,
      'local/credentials.ts': `export const accessKeyId = '${key}';\n`,
    });
    gitInit(root);
    const outcome = await judge(secretsGate, root);
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toBe('1 secret, 0 configuration problems');
    expect(outcome.details).toEqual([expect.stringMatching(/^src\/config\.ts:2: aws-access-token has detected secret .*\(aws-access-token\): remove the secret, rotate it/)]);
    const written = await readFile(path.join(sarif, 'secrets.sarif'), 'utf8');
    expect(JSON.stringify(outcome)).not.toContain(key.slice(4));
    expect(written).not.toContain(key.slice(4));
    expect(written).toContain('src/config.ts');
  });

  it('passes when the only key is in a fixture the committed config allow-lists with its reason', async () => {
    const root = await scratch({
      '.gitleaks.toml': "[extend]\nuseDefault = true\n\n[[allowlists]]\ndescription = \"a fake key for the parser's spec\"\npaths = ['''^fixtures/fake-key\\.ts$''']\n",
      'fixtures/fake-key.ts': `export const accessKeyId = '${fakeAccessKey()}';\n`,
    });
    gitInit(root);
    const outcome = await judge(secretsGate, root);
    expect([outcome.ok, outcome.summary]).toEqual([true, '2 files clean; 1 fixture allow-listed with a reason']);
  });

  it('fails on an allow-list entry that matches no file, so none outlives its fixture', async () => {
    const root = await scratch({
      '.gitleaks.toml': "[extend]\nuseDefault = true\n\n[[allowlists]]\ndescription = \"a fixture since deleted\"\npaths = ['''^fixtures/gone\\.ts$''']\n",
      'src/index.ts': 'export {};\n',
    });
    gitInit(root);
    const outcome = await judge(secretsGate, root);
    expect(outcome.ok).toBe(false);
    expect(outcome.details).toEqual(['.gitleaks.toml: path pattern ^fixtures/gone\\.ts$ matches no file; remove the entry']);
  });

  it('fails closed outside a git working tree and without the committed config', async () => {
    const noGit = await judge(secretsGate, await scratch({ '.gitleaks.toml': '[extend]\nuseDefault = true\n' }));
    expect([noGit.ok, noGit.summary]).toEqual([false, 'not a git working tree']);
    const noConfig = await scratch({ 'src/index.ts': 'export {};\n' });
    gitInit(noConfig);
    const outcome = await judge(secretsGate, noConfig);
    expect([outcome.ok, outcome.summary]).toEqual([false, '.gitleaks.toml is missing']);
  });

  it('accepts only allow-lists of fixture paths, each with a reason', () => {
    const { paths, problems } = readAllowlists(
      [
        '[extend]',
        'useDefault = true',
        '# a comment between tables',
        '[[allowlists]]',
        'description = "GitHub\'s published examples"',
        "paths = ['''^console/testing/openapi\\.json$''', '^fixtures/a\\.ts$']",
        '[[allowlists]]',
        "paths = ['''^fixtures/b\\.ts$''']",
        '[[allowlists]]',
        'description = "anything that looks like a token"',
        "regexes = ['''ghp_.*''']",
        '[allowlist]',
        'description = "the old global form"',
      ].join('\n'),
    );
    expect(paths).toEqual([
      { pattern: '^console/testing/openapi\\.json$', reason: "GitHub's published examples" },
      { pattern: '^fixtures/a\\.ts$', reason: "GitHub's published examples" },
    ]);
    expect(problems).toEqual([
      '.gitleaks.toml:11: [[allowlists]] regexes: only description and paths are allowed here, each once',
      '.gitleaks.toml:12: [allowlist]: allow-lists go in [[allowlists]] tables, each naming fixture files and why',
      '.gitleaks.toml:7: [[allowlists]] ^fixtures/b\\.ts$: needs a description saying why its secrets are fake',
      '.gitleaks.toml:9: [[allowlists]] (no paths): needs paths naming the fixture files',
    ]);
  });

  it('refuses any configuration but the default rules and path allow-lists: disabled or redefined rules, other keys, lines it cannot read', () => {
    const problemsOf = (...lines: string[]) => readAllowlists(lines.join('\n')).problems;
    expect(problemsOf('[extend]', 'useDefault = true', "disabledRules = ['aws-access-token']")).toEqual([
      '.gitleaks.toml:3: [extend] disabledRules: only useDefault = true is allowed; every default rule applies',
    ]);
    expect(problemsOf('[extend]', 'useDefault = true', '[[rules]]', 'id = "aws-access-token"', "regex = '''nothing'''")).toEqual([
      '.gitleaks.toml:3: [[rules]]: only [extend] with useDefault = true and [[allowlists]] of fixture paths may be configured; a rule of its own or a changed default rule could silence what the gate claims to check',
    ]);
    expect(problemsOf('title = "ours"', '[extend]', 'useDefault = true')).toEqual(['.gitleaks.toml:1: title: no top-level key is allowed; the config holds [extend] and [[allowlists]] tables only']);
    expect(problemsOf('[extend]', 'useDefault = false')).toEqual([
      '.gitleaks.toml:2: [extend] useDefault: only useDefault = true is allowed; every default rule applies',
      '.gitleaks.toml: expected one [extend] table with useDefault = true, so every default rule applies',
    ]);
    expect(problemsOf("[[allowlists]]", 'description = "fake"', "paths = ['''^a\\.ts$''']")).toEqual(['.gitleaks.toml: expected one [extend] table with useDefault = true, so every default rule applies']);
    expect(problemsOf('[extend]', 'useDefault = true', '[[allowlists]]', 'description = "fake"', 'paths = [', "  '''^a\\.ts$''',", ']')).toEqual([
      ".gitleaks.toml:5: paths: expected a list of strings on one line, e.g. paths = ['''^fixtures/key\\.ts$''']",
      ".gitleaks.toml:6: not a key = value line this gate reads ('''^a\\.ts$''',); write each value on one line",
      '.gitleaks.toml:7: not a key = value line this gate reads (]); write each value on one line',
      '.gitleaks.toml:3: [[allowlists]] (no paths): needs paths naming the fixture files',
    ]);
  });

  it('fails when the config disables a default rule, even though the only allow-list names a fixture', async () => {
    const root = await scratch({
      '.gitleaks.toml': "[extend]\nuseDefault = true\ndisabledRules = ['aws-access-token']\n\n[[allowlists]]\ndescription = \"a fake key for the parser's spec\"\npaths = ['''^fixtures/fake-key\\.ts$''']\n",
      'fixtures/fake-key.ts': `export const accessKeyId = '${fakeAccessKey()}';\n`,
      'src/config.ts': `export const accessKeyId = '${fakeAccessKey()}';\n`,
    });
    gitInit(root);
    const outcome = await judge(secretsGate, root);
    expect(outcome.ok).toBe(false);
    expect(outcome.details).toContain('.gitleaks.toml:3: [extend] disabledRules: only useDefault = true is allowed; every default rule applies');
  });

  it('the committed config allow-lists only fixtures, each with its reason', async () => {
    const { paths, problems } = readAllowlists(await readFile(path.join(REPO_ROOT, '.gitleaks.toml'), 'utf8'));
    expect(problems).toEqual([]);
    expect(paths.map((entry) => entry.pattern)).toEqual(['^console/testing/github-standin/openapi-slice\\.json$']);
  });
});

/** A repository with the committed rules, their cases and the ignore file, plus `files`. */
async function withCommittedRules(files: Record<string, string>): Promise<string> {
  const root = await scratch(files);
  await cp(path.join(REPO_ROOT, 'policies/semgrep'), path.join(root, 'policies/semgrep'), { recursive: true });
  await cp(path.join(REPO_ROOT, '.semgrepignore'), path.join(root, '.semgrepignore'));
  return root;
}

const committedRuleCount = async () => (await readdir(path.join(REPO_ROOT, 'policies/semgrep/rules'))).filter((name) => name.endsWith('.yaml')).length;

describe('the sast gate', () => {
  it('finds a shell command in a script and in a spec, located, and writes them as SARIF', { timeout: 240_000 }, async () => {
    const sarif = await sarifDir();
    const root = await withCommittedRules({
      'scripts/deploy.ts': "import { exec } from 'node:child_process';\nexport const deploy = (branch: string) => exec(`git push origin ${branch}`);\n",
      'tests/helper.ts': "import { execSync } from 'node:child_process';\nexport const head = () => execSync('git rev-parse HEAD');\n",
    });
    const outcome = await judge(sastGate, root);
    expect(outcome.ok).toBe(false);
    expect(outcome.details).toEqual([
      expect.stringMatching(/^scripts\/deploy\.ts:2: A shell runs this command.* \(child-process-shell\): fix it; the rule's message says how \(policies\/semgrep\/rules\/child-process-shell\.yaml\)$/),
      expect.stringMatching(/^tests\/helper\.ts:2: A shell runs this command.* \(child-process-shell\)/),
    ]);
    expect(outcome.tests).toEqual({ passed: await committedRuleCount(), failed: 0 });
    const report = await readSarif(path.join(sarif, 'sast.sarif'));
    expect(report.runs[0]!.results.map((result) => result.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(['scripts/deploy.ts', 'tests/helper.ts']);
  });

  it('passes clean code, counting each rule whose committed cases hold', { timeout: 240_000 }, async () => {
    const root = await withCommittedRules({ 'scripts/deploy.ts': "import { execFile } from 'node:child_process';\nexport const deploy = (branch: string) => execFile('git', ['push', 'origin', branch]);\n" });
    const outcome = await judge(sastGate, root);
    const rules = await committedRuleCount();
    expect([outcome.ok, outcome.details]).toEqual([true, []]);
    expect(outcome.summary).toBe(`0 findings with ${rules} rules; ${rules} of ${rules} rules pass their cases`);
    expect(outcome.tests).toEqual({ passed: rules, failed: 0 });
  });

  it('fails when a rule stops matching its cases, or has none', { timeout: 240_000 }, async () => {
    const root = await withCommittedRules({});
    const cases = path.join(root, 'policies/semgrep/tests/child-process-shell.ts');
    const original = await readFile(cases, 'utf8');
    // An `execFile` without a shell claimed as a finding: the rule must not report it, so the case fails.
    await writeFile(cases, original.replace("// ok: child-process-shell\nexecFile('git', ['log', branch]);", "// ruleid: child-process-shell\nexecFile('git', ['log', branch]);"));
    await writeFile(
      path.join(root, 'policies/semgrep/rules/no-eval.yaml'),
      'rules:\n  - id: no-eval\n    message: eval runs text as code\n    severity: ERROR\n    languages: [typescript]\n    pattern: eval(...)\n',
    );
    const outcome = await judge(sastGate, root);
    expect(outcome.ok).toBe(false);
    expect(outcome.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^policies\/semgrep\/rules\/no-eval\.yaml: no cases; add policies\/semgrep\/tests\/<rule>\.ts/),
        expect.stringMatching(/^policies\/semgrep\/rules\/child-process-shell\.yaml: rule child-process-shell misses line \d+ of policies\/semgrep\/tests\/child-process-shell\.ts$/),
      ]),
    );
    expect(outcome.tests!.failed).toBe(2);
  });
});

describe('every security gate without its tool', () => {
  it('fails closed, naming the command that installs it', async () => {
    vi.stubEnv('MR_TOOLS_DIR', await scratch({}));
    const root = await scratch({ '.github/workflows/checks.yml': HARDENED_WORKFLOW, '.gitleaks.toml': '', 'policies/semgrep/rules/a.yaml': 'rules: []\n' });
    const outcomes = await Promise.all([actionlintGate, zizmorGate, secretsGate, sastGate].map((gate) => judge(gate, root)));
    expect(outcomes.map((outcome) => [outcome.name, outcome.ok, outcome.summary])).toEqual([
      ['actionlint', false, 'actionlint or shellcheck unavailable'],
      ['zizmor', false, 'zizmor unavailable'],
      ['secrets', false, 'gitleaks unavailable'],
      ['sast', false, 'semgrep unavailable'],
    ]);
    expect(outcomes[0]!.details).toEqual([expect.stringContaining('bash scripts/install-tools.sh actionlint'), expect.stringContaining('bash scripts/install-tools.sh shellcheck')]);
    for (const [outcome, tool] of [[outcomes[1]!, 'zizmor'], [outcomes[2]!, 'gitleaks'], [outcomes[3]!, 'semgrep']] as const) {
      expect(outcome.details).toEqual([expect.stringContaining(`bash scripts/install-tools.sh ${tool}`)]);
    }
  });
});
