import type { ChangeIntent } from '../../schemas/change-request';

const SWITCH_WORDS = { pauseProducers: 'pause producers', priorityWritesOnly: 'priority writes only', serveStaleReads: 'serve stale reads' } as const;

/** One line saying what a change does, for tables where the whole intent does not fit. */
export function describeIntent(intent: ChangeIntent): string {
  switch (intent.kind) {
    case 'weights':
      return `weights ${Object.entries(intent.weights)
        .map(([region, weight]) => `${region} ${weight} %`)
        .join(', ')}`;
    case 'read-only':
      return `${intent.region} ${intent.readOnly ? 'read-only' : 'writable'}`;
    case 'degraded':
      return `${intent.region} ${SWITCH_WORDS[intent.switch]} ${intent.on ? 'on' : 'off'}`;
    case 'declare': {
      const what = intent.declaration.kind === 'failover' ? `failover ${intent.declaration.from} → ${intent.declaration.to}` : intent.declaration.kind;
      return `declare ${what} "${intent.name}" ${intent.start} – ${intent.end}`;
    }
    case 'guided-failover':
      return `guided failover ${intent.from} → ${intent.to}`;
    case 'release':
      return `${intent.action} release of ${intent.app}${intent.digest ? ` ${intent.digest.slice(0, 19)}…` : ''}`;
  }
}
