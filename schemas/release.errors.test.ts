import { describe, expect, it } from 'vitest';
import { edit, exampleRepo, put } from '../tests/helpers/example-repo';
import { loadModel } from '.';

const DIGEST = `sha256:${'a1'.repeat(32)}`;

async function loadWithReleases(releases: string, prepare?: (root: string) => Promise<void>) {
  const root = await exampleRepo();
  await prepare?.(root);
  await put(root, 'apps/releases.yaml', releases);
  return (await loadModel(root)).errors;
}

describe('apps/releases.yaml errors', () => {
  it.each([
    [
      'an app that does not exist',
      `releases:\n  - { app: billing-api, digest: "${DIGEST}", regions: [us-west-2] }\n`,
      { path: 'releases[0].app', message: 'expected an app defined in apps/ (orders-api), got "billing-api"', line: 2 },
    ],
    [
      'a region that does not exist',
      `releases:\n  - { app: orders-api, digest: "${DIGEST}", regions: [eu-west-1] }\n`,
      { path: 'releases[0].regions[0]', message: 'expected a region id (us-east-1, us-west-2), got "eu-west-1"', line: 2 },
    ],
    [
      'a digest that is not a sha256 digest',
      'releases:\n  - { app: orders-api, digest: "sha256:9f2b", regions: [us-west-2] }\n',
      { path: 'releases[0].digest', message: 'expected a digest like sha256:<64 lower-case hex digits>, got "sha256:9f2b"', line: 2 },
    ],
    [
      'regions that skip the first wave',
      `releases:\n  - { app: orders-api, digest: "${DIGEST}", regions: [us-east-1] }\n`,
      { path: 'releases[0].regions', message: 'expected whole waves in the order of delivery.waves: ["us-west-2"] or ["us-west-2","us-east-1"], got 1 item ["us-east-1"]' },
    ],
    [
      'a second release of the same app',
      `releases:\n  - { app: orders-api, digest: "${DIGEST}", regions: [us-west-2] }\n  - { app: orders-api, digest: "${DIGEST}", regions: [us-west-2] }\n`,
      { path: 'releases[1].app', message: 'expected one release in flight per app, got a second release of orders-api', line: 3 },
    ],
  ])('reports %s, located in the releases file', async (_, releases, error) => {
    expect(await loadWithReleases(releases)).toEqual([expect.objectContaining({ file: 'apps/releases.yaml', ...error })]);
  });

  it('reports a region the app does not run in', async () => {
    const errors = await loadWithReleases(`releases:\n  - { app: orders-api, digest: "${DIGEST}", regions: [us-west-2] }\n`, (root) =>
      edit(root, 'apps/orders-api.ts', "dataSets: [", "regions: ['us-east-1'],\n  dataSets: ["),
    );
    expect(errors).toEqual([expect.objectContaining({ path: 'releases[0].regions[0]', message: 'expected a region orders-api runs in (us-east-1), got "us-west-2"' })]);
  });
});
