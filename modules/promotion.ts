import { count, digestOf, imageDigest, regionsOfApp, wavesOf, withDigest, type App, type BarrierRecord, type Model, type Release } from '../schemas';

export interface PromotionRequest {
  app: string;
  /** The digest to promote; optional when abandoning, where it must then name the release in flight. */
  digest?: string;
  abandon?: boolean;
  /** Recorded on a new release as `startedBy`. */
  startedBy?: string;
}

/**
 * What one `npm run promote` does. `barrier` lists the regions that must report a healthy rollout of the
 * release's digest before the step may be written; the caller asks their Prometheus, this module never does.
 */
export type PromotionStep =
  | { kind: 'start'; app: App; release: Release; wave: number; waves: string[][]; barrier: [] }
  | { kind: 'advance'; app: App; release: Release; wave: number; waves: string[][]; barrier: string[] }
  | { kind: 'finish'; app: App; release: Release; image: string; barrier: string[] }
  | { kind: 'abandon'; app: App; release: Release; barrier: [] }
  /** The request is well formed but the state does not allow it. */
  | { kind: 'refused'; reason: string }
  /** The request itself is wrong. */
  | { kind: 'invalid'; reason: string };

export type Change = Extract<PromotionStep, { barrier: string[] }>;

/**
 * The promotion state machine. With no release of the app in flight, a new digest starts one on the first
 * wave. With one in flight for the same digest, the next wave is added, or, once every wave is switched,
 * the release finishes: the app's own image takes the digest. Another digest waits until the release in
 * flight finishes or is abandoned, because two versions racing through the waves would void the barrier.
 */
export function planPromotion(model: Model, request: PromotionRequest): PromotionStep {
  const app = model.apps.find((candidate) => candidate.name === request.app);
  if (!app) return { kind: 'invalid', reason: `<app>: expected an app defined in apps/ (${model.apps.map((a) => a.name).join(', ')}), got ${JSON.stringify(request.app)}` };
  if (request.digest !== undefined && !imageDigest.safeParse(request.digest).success) {
    return { kind: 'invalid', reason: `<digest>: expected sha256: followed by 64 lower-case hex digits, got ${JSON.stringify(request.digest)}` };
  }
  const inFlight = model.releases.find((release) => release.app === app.name);
  if (request.abandon) return planAbandon(app, inFlight, request.digest);
  if (request.digest === undefined) return { kind: 'invalid', reason: '<digest>: expected sha256: followed by 64 lower-case hex digits, got nothing' };
  const digest = request.digest;
  const waves = wavesOf(model.global.delivery.waves, regionsOfApp(model, app).map((region) => region.id));

  if (!inFlight) {
    if (digestOf(app.image) === digest) return { kind: 'refused', reason: `${app.name} already runs ${digest} in every region; nothing to promote` };
    if (!waves.length) return { kind: 'refused', reason: `${app.name} runs in no region; nothing to promote` };
    const release: Release = { app: app.name, digest, regions: waves[0]!, ...(request.startedBy ? { startedBy: request.startedBy } : {}) };
    return { kind: 'start', app, release, wave: 1, waves, barrier: [] };
  }
  if (inFlight.digest !== digest) {
    return {
      kind: 'refused',
      reason:
        `${app.name} is being promoted to ${inFlight.digest} (switched: ${inFlight.regions.join(', ')}${inFlight.startedBy ? `; started by ${inFlight.startedBy}` : ''}). ` +
        `Finish it with \`npm run promote -- ${app.name} ${inFlight.digest}\`, or abandon it with \`npm run promote -- ${app.name} --abandon\`, before promoting ${digest}`,
    };
  }
  const next = waves.findIndex((wave) => wave.some((id) => !inFlight.regions.includes(id)));
  if (next === -1) return { kind: 'finish', app, release: inFlight, image: withDigest(app.image, digest), barrier: inFlight.regions };
  return { kind: 'advance', app, release: { ...inFlight, regions: waves.slice(0, next + 1).flat() }, wave: next + 1, waves, barrier: inFlight.regions };
}

function planAbandon(app: App, inFlight: Release | undefined, digest: string | undefined): PromotionStep {
  if (!inFlight) return { kind: 'refused', reason: `no release of ${app.name} is in flight; nothing to abandon` };
  if (digest !== undefined && digest !== inFlight.digest) {
    return { kind: 'refused', reason: `the release of ${app.name} in flight is ${inFlight.digest}, not ${digest}; nothing abandoned` };
  }
  return { kind: 'abandon', app, release: inFlight, barrier: [] };
}

/**
 * An advance with the verdicts that opened its barrier recorded on the release, so the policies can tell a wave
 * `npm run promote` switched from one added by hand (`change.release-barrier-skipped`).
 */
export function withBarrierRecord(step: Change, verdicts: ReadonlyArray<{ region: string; details: readonly string[] }>, checkedAt: Date): Change {
  if (step.kind !== 'advance') return step;
  const record: BarrierRecord = { wave: step.wave, digest: step.release.digest, checkedAt: checkedAt.toISOString(), regions: Object.fromEntries(verdicts.map((verdict) => [verdict.region, verdict.details.join('; ')])) };
  return { ...step, release: { ...step.release, barriers: [...(step.release.barriers ?? []), record] } };
}

/** The model once a step is written: what synth must render so the manifests follow the releases file. */
export function modelAfter(model: Model, step: Change): Model {
  const others = model.releases.filter((release) => release.app !== step.app.name);
  switch (step.kind) {
    case 'start':
    case 'advance':
      return { ...model, releases: [...others, step.release].sort((a, b) => a.app.localeCompare(b.app)) };
    case 'finish':
      return { ...model, releases: others, apps: model.apps.map((app) => (app === step.app ? { ...app, image: step.image } : app)) };
    case 'abandon':
      return { ...model, releases: others };
  }
}

/**
 * Moves an app file to the new digest by replacing the old digest's only occurrence, so the file keeps its
 * formatting and comments. Any other count means the image is not a plain literal there: a person must edit it.
 */
export function replaceDigest(source: string, file: string, from: string, to: string): { text: string } | { error: string } {
  const occurrences = source.split(from).length - 1;
  if (occurrences !== 1) {
    return { error: `${file}: expected the current digest ${from} exactly once (in image), found it ${count(occurrences, 'time')}; set image to the new digest ${to} by hand` };
  }
  return { text: source.replace(from, () => to) };
}
