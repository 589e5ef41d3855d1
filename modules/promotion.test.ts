import { describe, expect, it } from 'vitest';
import { loadModel, type Model } from '../schemas';
import { REPO_ROOT } from '../tests/helpers/example-repo';
import { planPromotion, replaceDigest } from './promotion';

const DIGEST = `sha256:${'a1'.repeat(32)}`;
const OTHER = `sha256:${'b2'.repeat(32)}`;

async function example(): Promise<Model> {
  return (await loadModel(REPO_ROOT)).model!;
}

describe('planPromotion', () => {
  it('starts on the first wave the app runs in, skipping waves of regions it does not', async () => {
    const model = await example();
    const eastOnly = { ...model, apps: model.apps.map((app) => ({ ...app, regions: ['us-east-1'] })) };
    expect(planPromotion(eastOnly, { app: 'orders-api', digest: DIGEST })).toMatchObject({
      kind: 'start',
      release: { app: 'orders-api', digest: DIGEST, regions: ['us-east-1'] },
      wave: 1,
      waves: [['us-east-1']],
      barrier: [],
    });
  });

  it('waits on every switched region before closing a release that reached every wave', async () => {
    const model = await example();
    const reachedAll = { ...model, releases: [{ app: 'orders-api', digest: DIGEST, regions: ['us-west-2', 'us-east-1'] }] };
    expect(planPromotion(reachedAll, { app: 'orders-api', digest: DIGEST })).toMatchObject({
      kind: 'finish',
      image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api@${DIGEST}`,
      barrier: ['us-west-2', 'us-east-1'],
    });
  });

  it('refuses to promote the digest the app already runs', async () => {
    const model = await example();
    const current = model.apps[0]!.image.split('@')[1]!;
    expect(planPromotion(model, { app: 'orders-api', digest: current })).toEqual({ kind: 'refused', reason: `orders-api already runs ${current} in every region; nothing to promote` });
  });

  it('refuses to abandon when the digest given is not the one in flight', async () => {
    const model = { ...(await example()), releases: [{ app: 'orders-api', digest: DIGEST, regions: ['us-west-2'] }] };
    expect(planPromotion(model, { app: 'orders-api', digest: OTHER, abandon: true })).toEqual({
      kind: 'refused',
      reason: `the release of orders-api in flight is ${DIGEST}, not ${OTHER}; nothing abandoned`,
    });
  });
});

describe('replaceDigest', () => {
  it('replaces the only occurrence of the old digest and nothing else', () => {
    expect(replaceDigest(`image: 'repo@${DIGEST}', // pinned\n`, 'apps/a.ts', DIGEST, OTHER)).toEqual({ text: `image: 'repo@${OTHER}', // pinned\n` });
  });

  it('refuses when the old digest is not exactly one literal', () => {
    expect(replaceDigest(`const d = '${DIGEST}';\nimage: \`repo@\${d}\`, // was ${DIGEST}\n`, 'apps/a.ts', DIGEST, OTHER)).toEqual({
      error: `apps/a.ts: expected the current digest ${DIGEST} exactly once (in image), found it 2 times; set image to the new digest ${OTHER} by hand`,
    });
  });
});
