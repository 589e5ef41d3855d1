'use client';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { ChartsReferenceLine } from '@mui/x-charts/ChartsReferenceLine';
import { LineChart } from '@mui/x-charts/LineChart';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { formatUtc } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import type { History } from '../../lib/types';
import { TEST_IDS } from '../test-ids';

type Series = History['series'][number];

/** Ranges offered, each with a step that keeps a chart near a few hundred points. */
const RANGES = [
  { minutes: 30, stepSeconds: 15, label: 'last 30 minutes' },
  { minutes: 60, stepSeconds: 15, label: 'last hour' },
  { minutes: 6 * 60, stepSeconds: 60, label: 'last 6 hours' },
  { minutes: 24 * 60, stepSeconds: 300, label: 'last 24 hours' },
  { minutes: 7 * 24 * 60, stepSeconds: 1800, label: 'last 7 days' },
] as const;

function formatValue(value: number, unit: Series['unit']): string {
  if (unit === '%') return `${value.toFixed(2)} %`;
  if (unit === 'ms') return `${Math.round(value)} ms`;
  return `${value.toFixed(1)} s`;
}

function HistoryChart({ series }: { series: Series }) {
  const values = series.points.map(([, value]) => value);
  const latest = values.at(-1);
  const peak = values.length ? Math.max(...values) : undefined;
  // The thresholds stay in view even when the data sits far below them: their distance is the point.
  const top = Math.max(peak ?? 0, ...series.thresholds.map((threshold) => threshold.value)) * 1.1 || 1;
  const slug = series.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const title = `${series.name.charAt(0).toUpperCase()}${series.name.slice(1)}`;
  const headingId = `history-${slug}`;
  return (
    <Paper component="section" variant="outlined" aria-labelledby={headingId} sx={{ p: 2, minWidth: 0 }} data-testid={TEST_IDS.historyChart(slug)}>
      <Typography id={headingId} variant="h3" component="h3">
        {title} ({series.unit})
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {latest === undefined ? 'No samples in this range.' : `latest ${formatValue(latest, series.unit)}, peak ${formatValue(peak!, series.unit)}`}
        {series.thresholds.length > 0 && ` · ${series.thresholds.map((threshold) => `${threshold.name} ${formatValue(threshold.value, series.unit)}`).join(' · ')}`}
      </Typography>
      <Box sx={{ height: 240 }}>
        <LineChart
          height={240}
          margin={{ left: 8, right: 16, top: 16, bottom: 8 }}
          hideLegend
          xAxis={[{ data: series.points.map(([at]) => new Date(at)), scaleType: 'time', valueFormatter: (date: Date) => date.toISOString().slice(11, 16) }]}
          yAxis={[{ min: 0, max: top, width: 56, valueFormatter: (value: number) => formatValue(value, series.unit) }]}
          series={[{ data: values, label: series.name, color: 'var(--mui-palette-primary-main)', showMark: false, valueFormatter: (value) => (value === null ? 'no data' : formatValue(value, series.unit)) }]}
        >
          {series.thresholds.map((threshold) => (
            <ChartsReferenceLine
              key={threshold.name}
              y={threshold.value}
              label={`${threshold.name} ${formatValue(threshold.value, series.unit)}`}
              labelAlign="start"
              lineStyle={{ strokeDasharray: '6 4', stroke: threshold.name.toLowerCase().includes('rpo') ? 'var(--mui-palette-error-main)' : 'var(--mui-palette-warning-main)' }}
            />
          ))}
        </LineChart>
      </Box>
    </Paper>
  );
}

export function HistoryCharts({ region }: { region: string }) {
  const trpc = useTRPC();
  const [rangeIndex, setRangeIndex] = useState(1);
  const range = RANGES[rangeIndex]!;
  const history = useQuery(
    trpc.regions.history.queryOptions({ region, range: { minutes: range.minutes, stepSeconds: range.stepSeconds } }, { refetchInterval: 30_000, placeholderData: (previous) => previous }),
  );
  const data = history.data;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
        <Typography variant="h2" sx={{ mr: 'auto' }}>
          History
        </Typography>
        <TextField select size="small" label="Range" value={rangeIndex} onChange={(event) => setRangeIndex(Number(event.target.value))} slotProps={{ select: { native: true } }}>
          {RANGES.map((option, index) => (
            <option key={option.label} value={index}>
              {option.label}
            </option>
          ))}
        </TextField>
      </Box>
      {data && (
        <Typography
          variant="body2"
          data-testid={TEST_IDS.historySource}
          data-fresh={data.source.ok}
          sx={{ color: data.source.ok ? 'text.secondary' : 'warning.main', fontWeight: data.source.ok ? 400 : 600 }}
        >
          {data.source.ok
            ? `From ${data.source.url}`
            : `${data.source.url} is not answering${data.source.lastSuccessAt ? `: no data since ${formatUtc(data.source.lastSuccessAt)}` : ''}${data.source.error ? ` (${data.source.error})` : ''}`}
        </Typography>
      )}
      {history.error && <Alert severity="warning">The history could not be read: {history.error.message}</Alert>}
      {!data && !history.error && (
        <Typography variant="body2" role="status">
          Reading the history…
        </Typography>
      )}
      {data && (
        <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 26rem), 1fr))' }}>
          {data.series.map((series) => (
            <HistoryChart key={series.name} series={series} />
          ))}
        </Box>
      )}
    </Box>
  );
}
