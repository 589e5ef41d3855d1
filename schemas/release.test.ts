import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleRepo, put, REPO_ROOT } from '../tests/helpers/example-repo';
import { imageOf, loadModel, releasesYaml } from '.';

const DIGEST = `sha256:${'a1'.repeat(32)}`;

describe('releases in flight', () => {
  it('commits the releases file exactly as promote writes it when nothing is in flight', async () => {
    expect(await readFile(path.join(REPO_ROOT, 'apps/releases.yaml'), 'utf8')).toBe(releasesYaml([]));
  });

  it('loads a release and switches only its regions to the new digest', async () => {
    const root = await exampleRepo();
    await put(root, 'apps/releases.yaml', releasesYaml([{ app: 'orders-api', digest: DIGEST, regions: ['us-west-2'] }]));
    const { model } = await loadModel(root);
    const app = model!.apps[0]!;
    const image = (id: string) => imageOf(model!, app, model!.regions.find((region) => region.id === id)!);
    expect(model!.releases).toEqual([{ app: 'orders-api', digest: DIGEST, regions: ['us-west-2'] }]);
    expect(image('us-west-2')).toBe(`123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api@${DIGEST}`);
    expect(image('us-east-1')).toBe(app.image);
  });

  it('reads a missing releases file as no release in flight', async () => {
    const root = await exampleRepo();
    await (await import('node:fs/promises')).rm(path.join(root, 'apps/releases.yaml'));
    expect((await loadModel(root)).model!.releases).toEqual([]);
  });
});
