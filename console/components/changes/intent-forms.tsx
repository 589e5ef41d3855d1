'use client';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Slider from '@mui/material/Slider';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import type { DegradedSwitch } from '../../../schemas/change-request';
import { TEST_IDS } from '../test-ids';
import type { ComposerApp, ComposerRegion, DeclarationKind, Drafts } from './drafts';

const DEGRADED_LABELS: Record<DegradedSwitch, string> = {
  pauseProducers: 'Pause producers',
  priorityWritesOnly: 'Priority writes only',
  serveStaleReads: 'Serve stale reads',
};

function Select({ label, value, onChange, options, helperText }: { label: string; value: string; onChange: (value: string) => void; options: Array<{ value: string; label: string }>; helperText?: ReactNode }) {
  return (
    <TextField
      select
      label={label}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      slotProps={{ select: { native: true } }}
      helperText={helperText}
      sx={{ minWidth: 200, maxWidth: '100%' }}
    >
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </TextField>
  );
}

function regionOptions(regions: ComposerRegion[]) {
  return regions.map((region) => ({ value: region.id, label: `${region.id} (${region.role})` }));
}

function Current({ children }: { children: ReactNode }) {
  return (
    <Typography variant="body2" color="text.secondary">
      {children}
    </Typography>
  );
}

export function WeightsForm({ regions, weights, onChange }: { regions: ComposerRegion[]; weights: Drafts['weights']; onChange: (weights: Drafts['weights']) => void }) {
  const sum = regions.reduce((total, region) => total + (weights[region.id] ?? 0), 0);
  const set = (id: string, value: number) => onChange({ ...weights, [id]: Math.max(0, Math.min(100, Math.round(Number.isFinite(value) ? value : 0))) });
  const only = (id: string) => onChange(Object.fromEntries(regions.map((region) => [region.id, region.id === id ? 100 : 0])));
  const even = () => {
    const share = Math.floor(100 / regions.length);
    onChange(Object.fromEntries(regions.map((region, index) => [region.id, index === 0 ? 100 - share * (regions.length - 1) : share])));
  };
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      {regions.map((region) => {
        const value = weights[region.id] ?? 0;
        const inputId = `weight-${region.id}`;
        return (
          <Box key={region.id} sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) 6.5rem', alignItems: 'center', columnGap: 2 }}>
            <Box sx={{ minWidth: 0 }}>
              <Typography component="label" htmlFor={inputId} variant="body2" sx={{ fontWeight: 600 }}>
                {region.id} ({region.role}), now {region.weight} %
              </Typography>
              <Slider
                value={value}
                min={0}
                max={100}
                step={1}
                onChange={(_event, next) => set(region.id, next as number)}
                aria-label={`Weight of ${region.id}`}
                data-testid={TEST_IDS.weightSlider(region.id)}
              />
            </Box>
            <TextField
              id={inputId}
              type="number"
              size="small"
              value={value}
              onChange={(event) => set(region.id, Number(event.target.value))}
              data-testid={TEST_IDS.weightInput(region.id)}
              slotProps={{ htmlInput: { min: 0, max: 100, step: 1, inputMode: 'numeric' } }}
            />
          </Box>
        );
      })}
      <Typography
        variant="body2"
        role="status"
        data-testid={TEST_IDS.weightSum}
        data-valid={sum === 100}
        sx={{ fontWeight: 700, color: sum === 100 ? 'success.main' : 'error.main' }}
      >
        Sum: {sum} % {sum === 100 ? '(adds up to 100)' : `(must be 100; ${sum > 100 ? `${sum - 100} too many` : `${100 - sum} missing`})`}
      </Typography>
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
        <Button size="small" variant="outlined" onClick={even}>
          Even split
        </Button>
        {regions.map((region) => (
          <Button key={region.id} size="small" variant="outlined" onClick={() => only(region.id)}>
            All traffic to {region.id}
          </Button>
        ))}
      </Box>
    </Box>
  );
}

export function ReadOnlyForm({ regions, draft, onChange }: { regions: ComposerRegion[]; draft: Drafts['readOnly']; onChange: (draft: Drafts['readOnly']) => void }) {
  const region = regions.find((candidate) => candidate.id === draft.region);
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Select
        label="Region"
        value={draft.region}
        options={regionOptions(regions)}
        onChange={(id) => onChange({ region: id, readOnly: !regions.find((candidate) => candidate.id === id)?.readOnly })}
      />
      <Current>Now: {region?.readOnly ? 'read-only' : 'writable'}</Current>
      <FormControlLabel
        control={<Switch checked={draft.readOnly} onChange={(event) => onChange({ ...draft, readOnly: event.target.checked })} />}
        label={draft.readOnly ? 'Read-only: refuse writes in this region' : 'Writable: accept writes in this region'}
      />
    </Box>
  );
}

export function DegradedForm({
  regions,
  switches,
  draft,
  onChange,
}: {
  regions: ComposerRegion[];
  switches: readonly DegradedSwitch[];
  draft: Drafts['degraded'];
  onChange: (draft: Drafts['degraded']) => void;
}) {
  const current = (id: string, name: DegradedSwitch) => regions.find((candidate) => candidate.id === id)?.degraded[name] ?? false;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
        <Select label="Region" value={draft.region} options={regionOptions(regions)} onChange={(id) => onChange({ ...draft, region: id, on: !current(id, draft.switch) })} />
        <Select
          label="Switch"
          value={draft.switch}
          options={switches.map((name) => ({ value: name, label: DEGRADED_LABELS[name] }))}
          onChange={(name) => onChange({ ...draft, switch: name as DegradedSwitch, on: !current(draft.region, name as DegradedSwitch) })}
        />
      </Box>
      <Current>Now: {current(draft.region, draft.switch) ? 'on' : 'off'}</Current>
      <FormControlLabel
        control={<Switch checked={draft.on} onChange={(event) => onChange({ ...draft, on: event.target.checked })} />}
        label={`${DEGRADED_LABELS[draft.switch]}: ${draft.on ? 'on' : 'off'}`}
      />
    </Box>
  );
}

function WindowFields({ start, end, onChange, optionalStart }: { start?: string; end: string; onChange: (window: { start?: string; end: string }) => void; optionalStart?: boolean }) {
  const help = 'UTC, like 2026-12-03T04:00:00Z';
  return (
    <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
      {!optionalStart && <TextField label="Start" value={start ?? ''} onChange={(event) => onChange({ start: event.target.value.trim(), end })} helperText={help} />}
      <TextField
        label={optionalStart ? 'End (optional)' : 'End'}
        value={end}
        onChange={(event) => onChange({ start, end: event.target.value.trim() })}
        helperText={optionalStart ? `${help}; the service's default when empty` : help}
      />
    </Box>
  );
}

export function DeclareForm({ regions, draft, onChange }: { regions: ComposerRegion[]; draft: Drafts['declare']; onChange: (draft: Drafts['declare']) => void }) {
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <FormControl>
        <FormLabel id="declaration-kind">Kind</FormLabel>
        <RadioGroup row aria-labelledby="declaration-kind" value={draft.kind} onChange={(event) => onChange({ ...draft, kind: event.target.value as DeclarationKind })}>
          <FormControlLabel value="failover" control={<Radio />} label="Failover" />
          <FormControlLabel value="maintenance" control={<Radio />} label="Maintenance" />
          <FormControlLabel value="emergency" control={<Radio />} label="Emergency" />
        </RadioGroup>
      </FormControl>
      <TextField label="Name" value={draft.name} onChange={(event) => onChange({ ...draft, name: event.target.value.trim() })} helperText="lower-case letters, digits and hyphens" />
      {draft.kind === 'failover' && (
        <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
          <Select label="From" value={draft.from} options={regionOptions(regions)} onChange={(from) => onChange({ ...draft, from })} />
          <Select label="To" value={draft.to} options={regionOptions(regions)} onChange={(to) => onChange({ ...draft, to })} />
        </Box>
      )}
      {draft.kind === 'emergency' && (
        <TextField
          label="Approved by"
          value={draft.approvedBy}
          onChange={(event) => onChange({ ...draft, approvedBy: event.target.value.trim() })}
          helperText="the CAB member who approved it, like @carol; not yourself"
        />
      )}
      <WindowFields start={draft.start} end={draft.end} onChange={({ start, end }) => onChange({ ...draft, start: start ?? '', end })} />
    </Box>
  );
}

export function GuidedFailoverForm({ regions, draft, onChange }: { regions: ComposerRegion[]; draft: Drafts['guidedFailover']; onChange: (draft: Drafts['guidedFailover']) => void }) {
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Typography variant="body2">
        One change with all three steps: every point of traffic to the target, the source region read-only, and a failover declared from → to, so
        the policies accept the shift.
      </Typography>
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
        <Select label="From (failing region)" value={draft.from} options={regionOptions(regions)} onChange={(from) => onChange({ ...draft, from })} />
        <Select label="To (taking over)" value={draft.to} options={regionOptions(regions)} onChange={(to) => onChange({ ...draft, to })} />
      </Box>
      <WindowFields end={draft.end} optionalStart onChange={({ end }) => onChange({ ...draft, end })} />
    </Box>
  );
}

export function ReleaseForm({ apps, draft, onChange }: { apps: ComposerApp[]; draft: Drafts['release']; onChange: (draft: Drafts['release']) => void }) {
  const app = apps.find((candidate) => candidate.name === draft.app);
  if (!apps.length) return <Current>No apps are defined.</Current>;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Select
        label="App"
        value={draft.app}
        options={apps.map((candidate) => ({ value: candidate.name, label: candidate.name }))}
        onChange={(name) => onChange({ ...draft, app: name, digest: apps.find((candidate) => candidate.name === name)?.inFlight?.digest ?? '' })}
      />
      <Current>
        {app?.inFlight ? `In flight: ${app.inFlight.digest} in ${app.inFlight.regions.join(', ')}` : 'No release of this app is in flight; advancing starts one with the first wave.'}
      </Current>
      <FormControl>
        <FormLabel id="release-action">Action</FormLabel>
        <RadioGroup row aria-labelledby="release-action" value={draft.action} onChange={(event) => onChange({ ...draft, action: event.target.value as 'advance' | 'abandon' })}>
          <FormControlLabel value="advance" control={<Radio />} label="Advance to the next wave" />
          <FormControlLabel value="abandon" control={<Radio />} label="Abandon" />
        </RadioGroup>
      </FormControl>
      <TextField
        label={draft.action === 'advance' ? 'Digest' : 'Digest (optional)'}
        value={draft.digest}
        onChange={(event) => onChange({ ...draft, digest: event.target.value.trim() })}
        helperText="sha256:<64 hex digits>; the release barrier (Prometheus) is checked before the next wave opens"
        slotProps={{ htmlInput: { spellCheck: false } }}
        sx={{ '& input': { fontFamily: 'monospace' } }}
      />
    </Box>
  );
}
