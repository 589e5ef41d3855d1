import Chip from '@mui/material/Chip';
import type { ChangeSummary } from '../../lib/types';

const CLASS_COLOR = { standard: 'success', normal: 'info', 'cab-required': 'warning', emergency: 'error' } as const;
const CHECK_COLOR = { success: 'success', failure: 'error', error: 'error', pending: 'warning', none: 'default' } as const;

export function ClassChip({ value }: { value: ChangeSummary['class'] }) {
  return value ? <Chip size="small" label={value} color={CLASS_COLOR[value]} /> : <Chip size="small" label="unknown" variant="outlined" />;
}

export function ChecksChip({ checks }: { checks: ChangeSummary['checks'] }) {
  return <Chip size="small" label={`checks ${checks.state}`} color={CHECK_COLOR[checks.state]} variant={checks.state === 'success' ? 'filled' : 'outlined'} />;
}

export function FindingsText({ findings }: { findings: ChangeSummary['findings'] }) {
  if (!findings) return <>not recorded</>;
  if (findings.blocking) return <>{findings.blocking} blocking of {findings.total}</>;
  return <>{findings.total ? `${findings.total} waived, none blocking` : 'all pass'}</>;
}

export function ApprovalsText({ reviews, state }: { reviews: ChangeSummary['reviews']; state: ChangeSummary['state'] }) {
  // A forge may keep a reviewer in the requested list after they reviewed; a closed pull request waits for no one.
  const reviewed = new Set([...reviews.approvedBy, ...reviews.changesRequestedBy]);
  const waiting =
    state === 'open' ? [...reviews.requestedUsers.filter((user) => !reviewed.has(user)).map((user) => `@${user}`), ...reviews.requestedTeams.map((team) => `team ${team}`)] : [];
  const parts = [
    reviews.approvedBy.length ? `approved by ${reviews.approvedBy.map((user) => `@${user}`).join(', ')}` : 'no approval yet',
    ...(reviews.changesRequestedBy.length ? [`changes requested by ${reviews.changesRequestedBy.map((user) => `@${user}`).join(', ')}`] : []),
    ...(waiting.length ? [`waiting for ${waiting.join(', ')}`] : []),
  ];
  return <>{parts.join('; ')}</>;
}
