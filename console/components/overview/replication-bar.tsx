import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import { formatSeconds } from '../../lib/format';
import type { ReplicationStatus } from '../../lib/types';
import { TEST_IDS } from '../test-ids';

const STATE = {
  ok: { label: 'OK', color: 'success' },
  warning: { label: 'Above alert', color: 'warning' },
  breach: { label: 'Above RPO', color: 'error' },
  unknown: { label: 'No data', color: 'default' },
} as const;

/**
 * One data set's replica lag on a bar scaled to its RPO, with ticks at the alert threshold and the RPO. The
 * numbers and the state word carry the meaning; the colour repeats it for a glance.
 */
export function ReplicationBar({ region, status }: { region: string; status: ReplicationStatus }) {
  const { dataSet, store, lagSeconds, alertSeconds, rpoSeconds, state } = status;
  const scale = Math.max(rpoSeconds, lagSeconds ?? 0) * 1.1 || 1;
  const at = (seconds: number) => `${Math.min(100, (seconds / scale) * 100)}%`;
  const { label, color } = STATE[state];
  return (
    <Box data-testid={TEST_IDS.replication(region, dataSet)} data-state={state} sx={{ py: 0.75 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="body2" component="span" sx={{ fontWeight: 600, overflowWrap: 'anywhere' }}>
          {dataSet}{' '}
          <Typography variant="caption" component="span" color="text.secondary">
            ({store})
          </Typography>
        </Typography>
        <Chip size="small" label={label} color={color} variant={state === 'ok' ? 'outlined' : 'filled'} />
      </Box>
      <Box aria-hidden sx={{ position: 'relative', height: 8, my: 0.75, borderRadius: 1, bgcolor: 'action.hover', overflow: 'hidden' }}>
        {lagSeconds !== undefined && (
          <Box sx={{ position: 'absolute', insetBlock: 0, left: 0, width: at(lagSeconds), bgcolor: color === 'default' ? 'text.disabled' : `${color}.main` }} />
        )}
        <Box sx={{ position: 'absolute', insetBlock: 0, left: at(alertSeconds), width: 2, bgcolor: 'warning.main' }} />
        <Box sx={{ position: 'absolute', insetBlock: 0, left: at(rpoSeconds), width: 2, bgcolor: 'error.main' }} />
      </Box>
      <Typography variant="caption" component="p" color="text.secondary">
        lag <Box component="strong" sx={{ color: 'text.primary' }}>{formatSeconds(lagSeconds)}</Box> · alert at {formatSeconds(alertSeconds)} · RPO{' '}
        {formatSeconds(rpoSeconds)}
      </Typography>
    </Box>
  );
}
