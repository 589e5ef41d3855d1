import { mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { edit, exampleRepo, loadErrorsAfter, put, REPO_ROOT } from '../tests/helpers/example-repo';
import { formatLocated, loadModel, loadWaivers } from '.';

describe('loading rejects bad inputs with file, path, expectation and what was found', () => {
  it('rejects a weight above 100', async () => {
    const errors = await loadErrorsAfter((root) => edit(root, 'regions/us-west-2.ts', 'weight: 50', 'weight: 140'));
    expect(errors).toContain('regions/us-west-2.ts: traffic.weight: expected an integer in 0..100, got 140');
  });

  it('rejects an unknown AWS region', async () => {
    const errors = await loadErrorsAfter((root) => edit(root, 'regions/us-west-2.ts', "awsRegion: 'us-west-2'", "awsRegion: 'us-west-9'"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^regions\/us-west-2\.ts: awsRegion: expected one of "us-east-1" \| .*"us-west-2".*, got "us-west-9"$/);
  });

  it('rejects two files declaring the same region id', async () => {
    const errors = await loadErrorsAfter(async (root) => {
      const model = await loadModel(root);
      await put(root, 'regions/us-west-2.yaml', stringify(model.model!.regions[1]));
    });
    expect(errors).toContain('regions/us-west-2.yaml: id: expected a region id not already used by regions/us-west-2.ts, got "us-west-2"');
  });

  it('rejects a region named like a shared Terraform stack, whose state and folder it would take', async () => {
    const errors = await loadErrorsAfter(async (root) => {
      const text = await readFile(path.join(root, 'regions/us-west-2.ts'), 'utf8');
      await rm(path.join(root, 'regions/us-west-2.ts'));
      await put(root, 'regions/ci.ts', text.replace("id: 'us-west-2'", "id: 'ci'"));
    });
    expect(errors).toContain('regions/ci.ts: id: expected a region id other than global or ci (the shared Terraform stacks), got "ci"');
  });

  it.each([
    ['cross-region', 'a region id other than cross-region (the load test across every region)'],
    ['eu-to-us', 'a region id without "-to-" (it joins the two regions in a failover plan\'s name)'],
  ])('rejects a region id that would share a file of generated/ with every region: %s', async (id, expected) => {
    const errors = await loadErrorsAfter(async (root) => {
      const text = await readFile(path.join(root, 'regions/us-west-2.ts'), 'utf8');
      await rm(path.join(root, 'regions/us-west-2.ts'));
      await put(root, `regions/${id}.ts`, text.replace("id: 'us-west-2'", `id: '${id}'`));
    });
    expect(errors).toContain(`regions/${id}.ts: id: expected ${expected}, got "${id}"`);
  });

  it('rejects a region whose id differs from its file name', async () => {
    const errors = await loadErrorsAfter(async (root) => {
      await put(root, 'regions/us-west-1.ts', await readFile(path.join(root, 'regions/us-west-2.ts'), 'utf8'));
    });
    expect(errors).toContain('regions/us-west-1.ts: id: expected "us-west-1" (the file name without extension), got "us-west-2"');
  });

  it('rejects VPC CIDRs that overlap between regions', async () => {
    const errors = await loadErrorsAfter((root) =>
      edit(root, 'regions/us-west-2.ts', /10\.20\./g, '10.10.'),
    );
    expect(errors).toContain(`regions/us-west-2.ts: network.vpcCidr: expected a VPC CIDR that does not overlap us-east-1's 10.10.0.0/16 (regions are peered), got "10.10.0.0/16"`);
  });

  it('rejects a subnet outside its VPC', async () => {
    const errors = await loadErrorsAfter((root) => edit(root, 'regions/us-east-1.ts', "'10.10.200.0/24'", "'10.99.200.0/24'"));
    expect(errors).toContain('regions/us-east-1.ts: network.subnets.database[0]: expected a subnet inside the VPC CIDR 10.10.0.0/16, got "10.99.200.0/24"');
  });

  it('rejects promotion waves that skip a region or name one twice', async () => {
    const errors = await loadErrorsAfter((root) => edit(root, 'regions/global.yaml', '    - [us-east-1]', '    - [us-west-2]'));
    expect(errors).toEqual([
      'regions/global.yaml: delivery.waves[1][0]: expected a region not already in an earlier wave, got "us-west-2"',
      'regions/global.yaml: delivery.waves: expected every region in one wave, got no wave for us-east-1',
    ]);
  });

  it('rejects a promotion wave naming an unknown region', async () => {
    const errors = await loadErrorsAfter((root) => edit(root, 'regions/global.yaml', '    - [us-east-1]', '    - [us-east-1, eu-west-1]'));
    expect(errors).toEqual(['regions/global.yaml: delivery.waves[1][1]: expected a region id (us-east-1, us-west-2), got "eu-west-1"']);
  });

  it('rejects a data set referenced by an app but not defined', async () => {
    const errors = await loadErrorsAfter((root) => edit(root, 'apps/orders-api.ts', "'sessions',", "'carts',"));
    expect(errors).toContain(
      'apps/orders-api.ts: dataSets[2]: expected a data set defined in regions/replication-rules.yaml (orders-db, order-events, sessions, order-documents), got "carts"',
    );
  });

  it('rejects a missing required key', async () => {
    const errors = await loadErrorsAfter((root) => edit(root, 'regions/us-west-2.ts', "  role: 'secondary',\n", ''));
    expect(errors).toContain('regions/us-west-2.ts: role: expected one of "primary" | "secondary", got nothing (the key is missing)');
  });

  it('rejects an unknown key, naming it', async () => {
    const errors = await loadErrorsAfter((root) => edit(root, 'regions/us-west-2.ts', 'readOnly: false,', 'readOnly: false,\n  readonly: true,'));
    expect(errors).toContain('regions/us-west-2.ts: readonly: expected only the documented keys (see the JSON Schema in schemas/), got unknown key "readonly"');
  });

  it('rejects two primary regions', async () => {
    const errors = await loadErrorsAfter((root) => edit(root, 'regions/us-west-2.ts', "role: 'secondary'", "role: 'primary'"));
    expect(errors).toContain('regions/us-west-2.ts: role: expected exactly one region with role "primary", got 2 primary regions (us-east-1, us-west-2)');
  });

  it('gives line and column for malformed YAML', async () => {
    const errors = await loadErrorsAfter((root) => edit(root, 'regions/replication-rules.yaml', '    store: kafka\n', '    store: [kafka\n'));
    expect(errors[0]).toMatch(/^regions\/replication-rules\.yaml:\d+:\d+: expected valid YAML, got /);
    expect(errors[0]).toMatch(/^regions\/replication-rules\.yaml:1[0-9]:/);
  });

  it('gives line and column for a schema error in YAML', async () => {
    const errors = await loadErrorsAfter((root) => edit(root, 'regions/global.yaml', 'rtoMinutes: 15', 'rtoMinutes: fifteen'));
    expect(errors).toEqual(['regions/global.yaml:11:15: slo.rtoMinutes: expected an integer in 1..1440, got "fifteen"']);
  });

  it('gives line and column for a TypeScript syntax error', async () => {
    const errors = await loadErrorsAfter((root) => edit(root, 'regions/us-west-2.ts', "id: 'us-west-2',", "id: 'us-west-2',,"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^regions\/us-west-2\.ts:4:\d+: expected valid TypeScript, got /);
  });

  it('rejects a YAML alias bomb in one located line instead of expanding it', async () => {
    // Nine levels of nine aliases each: 9^9 "lol"s from nine lines.
    const names = 'abcdefghi';
    const bomb = [...names].map((name, i) => `${name}: &${name} [${Array(9).fill(i === 0 ? 'lol' : `*${names[i - 1]}`).join(', ')}]`).join('\n');
    const errors = await loadErrorsAfter((root) => put(root, 'regions/replication-rules.yaml', bomb));
    expect(errors).toEqual(['regions/replication-rules.yaml: expected YAML that converts to plain data, got Excessive alias count indicates a resource exhaustion attack']);
  });

  it('refuses YAML nested 100 000 levels deep in one located line, quickly', async () => {
    const started = performance.now();
    const errors = await loadErrorsAfter((root) => put(root, 'regions/replication-rules.yaml', `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`));
    expect(errors).toEqual(['regions/replication-rules.yaml:1:1: expected YAML nested at most 64 levels deep, got deeper nesting']);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('refuses a one-line block sequence nested past the limit', async () => {
    const errors = await loadErrorsAfter((root) => put(root, 'apps/releases.yaml', `releases:\n  ${'- '.repeat(1_000)}x\n`));
    expect(errors).toEqual(['apps/releases.yaml:2:1: expected YAML nested at most 64 levels deep, got deeper nesting']);
  });

  it('refuses an input larger than 1 MiB before reading it', async () => {
    const errors = await loadErrorsAfter((root) => put(root, 'regions/global.yaml', `# ${'x'.repeat(1024 * 1024)}\n`));
    expect(errors).toEqual(['regions/global.yaml: expected a file of at most 1024 KiB, got 1025 KiB']);
  });

  it('refuses a symbolic link without showing what it points at', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'outside-'));
    const secret = path.join(outside, 'secret.yaml');
    await writeFile(secret, 'token: do-not-print\n');
    try {
      const root = await exampleRepo();
      await symlink(secret, path.join(root, 'apps/leak.yaml'));
      await rm(path.join(root, 'policies/waivers.yaml'), { force: true });
      await symlink(secret, path.join(root, 'policies/waivers.yaml'));
      await rm(path.join(root, 'regions/us-west-2.ts'));
      await symlink(path.join(REPO_ROOT, 'regions/us-west-2.ts'), path.join(root, 'regions/us-west-2.ts'));
      const result = await loadModel(root);
      const errors = (result.errors ?? []).map(formatLocated);
      expect(errors).toEqual(
        expect.arrayContaining([
          'apps/leak.yaml: expected a regular file inside the repository, got a symbolic link',
          'regions/us-west-2.ts: expected a regular file inside the repository, got a symbolic link',
        ]),
      );
      expect((await loadWaivers(root)).errors.map(formatLocated)).toEqual(['policies/waivers.yaml: expected a regular file inside the repository, got a symbolic link']);
      expect(errors.join('\n')).not.toContain('do-not-print');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses an input folder that links outside the repository', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'outside-'));
    try {
      const root = await exampleRepo();
      await rename(path.join(root, 'apps'), path.join(outside, 'apps'));
      await symlink(path.join(outside, 'apps'), path.join(root, 'apps'));
      const errors = (await loadModel(root)).errors?.map(formatLocated);
      expect(errors).toEqual(expect.arrayContaining(['apps/orders-api.ts: expected a regular file inside the repository, got a path through a symbolic link to outside the repository']));
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('reports a missing global settings file', async () => {
    const errors = await loadErrorsAfter((root) => rm(path.join(root, 'regions/global.yaml')));
    expect(errors).toEqual(['regions/global.yaml: expected the file to exist, got no such file']);
  });

  it('reports every error across files at once, not just the first', async () => {
    const errors = await loadErrorsAfter(async (root) => {
      await edit(root, 'regions/us-west-2.ts', 'weight: 50', 'weight: 140');
      await edit(root, 'regions/us-east-1.ts', "version: '1.31'", "version: '2.0'");
      await edit(root, 'apps/orders-api.ts', 'port: 8080', 'port: 80800');
      await edit(root, 'regions/global.yaml', 'rpoMinutes: 5', 'rpoMinutes: -1');
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^regions\/us-west-2\.ts: traffic\.weight: /),
        expect.stringMatching(/^regions\/us-east-1\.ts: eks\.version: expected a supported EKS minor version/),
        'apps/orders-api.ts: ports[0].port: expected an integer in 1..65535, got 80800',
        expect.stringMatching(/^regions\/global\.yaml:\d+:\d+: slo\.rpoMinutes: expected an integer in 0\.\.1440, got -1$/),
      ]),
    );
  });
});
