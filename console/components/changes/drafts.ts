import type { ChangeIntent, DegradedSwitch } from '../../../schemas/change-request';

/** What the composer knows about each region: the values an intent starts from. */
export interface ComposerRegion {
  id: string;
  role: 'primary' | 'secondary';
  weight: number;
  readOnly: boolean;
  degraded: Record<DegradedSwitch, boolean>;
}

/** An app the release intent can move, with the release of it in flight, if any. */
export interface ComposerApp {
  name: string;
  inFlight?: { digest: string; regions: string[] };
}

export const INTENT_KINDS = ['weights', 'read-only', 'degraded', 'declare', 'guided-failover', 'release'] as const;
export type IntentKind = (typeof INTENT_KINDS)[number];

export const INTENT_LABELS: Record<IntentKind, string> = {
  weights: 'Traffic weights',
  'read-only': 'Read-only',
  degraded: 'Degraded switch',
  declare: 'Declare a window',
  'guided-failover': 'Guided failover',
  release: 'Release wave',
};

export type DeclarationKind = 'failover' | 'maintenance' | 'emergency';

/** The form state of every intent at once, so switching tabs loses nothing. */
export interface Drafts {
  weights: Record<string, number>;
  readOnly: { region: string; readOnly: boolean };
  degraded: { region: string; switch: DegradedSwitch; on: boolean };
  declare: { kind: DeclarationKind; name: string; start: string; end: string; from: string; to: string; approvedBy: string };
  guidedFailover: { from: string; to: string; end: string };
  release: { app: string; action: 'advance' | 'abandon'; digest: string };
}

export interface InitialSelection {
  kind: IntentKind;
  region?: string;
  from?: string;
  to?: string;
  app?: string;
}

const HOUR = 60 * 60 * 1000;

/** `2026-12-03T03:12:00Z`: the schema's date-time, to the minute. */
export function isoMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16)}:00Z`;
}

export function initialDrafts(regions: ComposerRegion[], apps: ComposerApp[], selection: InitialSelection, now: Date): Drafts {
  const byId = (id: string | undefined) => regions.find((region) => region.id === id);
  const first = regions[0]!;
  const region = byId(selection.region) ?? first;
  const from = byId(selection.from) ?? regions.find((candidate) => candidate.role === 'primary') ?? first;
  const to = byId(selection.to && selection.to !== from.id ? selection.to : undefined) ?? regions.find((candidate) => candidate.id !== from.id) ?? first;
  const app = apps.find((candidate) => candidate.name === selection.app) ?? apps.find((candidate) => candidate.inFlight) ?? apps[0];
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return {
    weights: Object.fromEntries(regions.map((entry) => [entry.id, entry.weight])),
    readOnly: { region: region.id, readOnly: !region.readOnly },
    degraded: { region: region.id, switch: 'pauseProducers', on: !region.degraded.pauseProducers },
    declare: { kind: 'maintenance', name: `window-${stamp}`, start: isoMinute(now), end: isoMinute(new Date(now.getTime() + 4 * HOUR)), from: from.id, to: to.id, approvedBy: '' },
    guidedFailover: { from: from.id, to: to.id, end: '' },
    release: { app: app?.name ?? '', action: 'advance', digest: app?.inFlight?.digest ?? '' },
  };
}

/** The intent a draft describes, or what is missing for it to describe one. */
export function intentOf(kind: IntentKind, drafts: Drafts): { intent: ChangeIntent } | { missing: string } {
  switch (kind) {
    case 'weights':
      return { intent: { kind: 'weights', weights: drafts.weights } };
    case 'read-only':
      return { intent: { kind: 'read-only', region: drafts.readOnly.region, readOnly: drafts.readOnly.readOnly } };
    case 'degraded':
      return { intent: { kind: 'degraded', region: drafts.degraded.region, switch: drafts.degraded.switch, on: drafts.degraded.on } };
    case 'declare': {
      const { kind: declared, name, start, end, from, to, approvedBy } = drafts.declare;
      if (!name || !start || !end) return { missing: 'a name, a start and an end for the window' };
      if (declared === 'failover' && from === to) return { missing: 'two different regions to fail over between' };
      if (declared === 'emergency' && !approvedBy) return { missing: 'the CAB member who approved the emergency' };
      const declaration = declared === 'failover' ? { kind: declared, from, to } : declared === 'emergency' ? { kind: declared, approvedBy } : { kind: declared };
      return { intent: { kind: 'declare', declaration, name, start, end } };
    }
    case 'guided-failover': {
      const { from, to, end } = drafts.guidedFailover;
      if (from === to) return { missing: 'two different regions to fail over between' };
      return { intent: { kind: 'guided-failover', from, to, ...(end ? { end } : {}) } };
    }
    case 'release': {
      const { app, action, digest } = drafts.release;
      if (!app) return { missing: 'an app' };
      if (action === 'advance' && !digest) return { missing: 'the digest to advance' };
      return { intent: { kind: 'release', app, action, ...(digest ? { digest } : {}) } };
    }
  }
}
