'use client';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Paper from '@mui/material/Paper';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import type { DegradedSwitch } from '../../../schemas/change-request';
import { shortSha } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import type { Preview, SubmitResult } from '../../lib/types';
import { TEST_IDS } from '../test-ids';
import { INTENT_KINDS, INTENT_LABELS, initialDrafts, intentOf, type ComposerApp, type ComposerRegion, type Drafts, type InitialSelection, type IntentKind } from './drafts';
import { DeclareForm, DegradedForm, GuidedFailoverForm, ReadOnlyForm, ReleaseForm, WeightsForm } from './intent-forms';
import { PreviewPanel } from './preview-panel';

/** The preview follows the form (a weight slider) this long after the last edit. */
const PREVIEW_DEBOUNCE_MS = 350;
export const VIEWER_CANNOT_SUBMIT = 'viewers cannot submit; operators can';

function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

/** 32 random URL-safe characters: the schema's idempotency key. */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}

interface PreviewResult {
  /** The request (intent and reason, as JSON) this answers. */
  key: string;
  preview?: Preview;
  error?: string;
  /** Set when a submit found the default branch moved and the service rebuilt the change on the new base. */
  rebasedFrom?: string;
}

type Submitted = { previewId: string; result: SubmitResult } | { previewId: string; error: string };

export interface ChangeComposerProps {
  regions: ComposerRegion[];
  apps: ComposerApp[];
  switches: readonly DegradedSwitch[];
  initial: InitialSelection;
  canSubmit: boolean;
  reasonMaxLength: number;
  /** The server's clock when the page rendered, so declaration windows default to the same minute on both sides. */
  now: string;
}

export function ChangeComposer({ regions, apps, switches, initial, canSubmit, reasonMaxLength, now }: ChangeComposerProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<IntentKind>(initial.kind);
  const [drafts, setDrafts] = useState<Drafts>(() => initialDrafts(regions, apps, initial, new Date(now)));
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<PreviewResult>();
  const [acknowledged, setAcknowledged] = useState<string>();
  const [submitted, setSubmitted] = useState<Submitted>();
  const idempotencyKeys = useRef(new Map<string, string>());
  /** Set between a submit and its answer: a second click arriving before React re-renders sends nothing. */
  const submitting = useRef(false);
  const latest = useRef(0);

  const built = intentOf(kind, drafts);
  const trimmed = reason.trim();
  const requestKey = 'intent' in built && trimmed ? JSON.stringify({ intent: built.intent, reason: trimmed }) : undefined;
  const debouncedKey = useDebounced(requestKey, PREVIEW_DEBOUNCE_MS);

  const previewMutation = useMutation(trpc.changes.preview.mutationOptions());
  const submitMutation = useMutation(trpc.changes.submit.mutationOptions());
  const { mutateAsync: runPreview } = previewMutation;

  useEffect(() => {
    if (!canSubmit || !debouncedKey) return;
    // Only the answer to the latest edit is shown: a slow preview of an older slider position must not win.
    const sequence = ++latest.current;
    runPreview(JSON.parse(debouncedKey) as Parameters<typeof runPreview>[0]).then(
      (preview) => sequence === latest.current && setResult({ key: debouncedKey, preview }),
      (error: unknown) => sequence === latest.current && setResult({ key: debouncedKey, error: error instanceof Error ? error.message : String(error) }),
    );
  }, [debouncedKey, canSubmit, runPreview]);

  const current = result && result.key === requestKey ? result : undefined;
  const preview = current?.preview ?? result?.preview;
  const phase = !canSubmit || !requestKey ? 'idle' : !current ? 'loading' : current.error ? 'error' : 'ready';
  const outcome = submitted && preview && submitted.previewId === preview.id ? submitted : undefined;
  const opened = outcome && 'result' in outcome && outcome.result.status === 'opened' ? outcome.result : undefined;
  const needsAcknowledgement = Boolean(preview?.conflicts.length) && acknowledged !== preview?.id;

  const disabledBecause = !canSubmit
    ? VIEWER_CANNOT_SUBMIT
    : !('intent' in built)
      ? `Fill in ${built.missing}.`
      : !trimmed
        ? 'Give a reason: it becomes the pull request’s reason and the audit record’s.'
        : phase === 'loading'
          ? 'Waiting for the preview of your latest edit.'
          : phase === 'error' || !preview
            ? 'The preview failed; fix the change or try again.'
            : preview.blocking.length
              ? `Blocked by ${[...new Set(preview.blocking.map((finding) => finding.policy))].join(', ')}.`
              : !preview.submittable
                ? (preview.notSubmittableBecause ?? 'The change service refuses to submit this change.')
                : needsAcknowledgement
                  ? 'Other changes touch the same values: read them and tick “decide again” first.'
                  : submitMutation.isPending
                    ? 'Submitting…'
                    : opened
                      ? `Already opened as pull request #${opened.pullRequest.number}.`
                      : undefined;

  function submit() {
    if (disabledBecause || !preview || !current || submitting.current) return;
    submitting.current = true;
    let key = idempotencyKeys.current.get(preview.id);
    if (!key) {
      key = newIdempotencyKey();
      idempotencyKeys.current.set(preview.id, key);
    }
    const request = { ...(JSON.parse(current.key) as { intent: Preview['intent']; reason: string }), base: preview.base.sha };
    const previewId = preview.id;
    const acknowledgeConflicts = preview.conflicts.length > 0 && acknowledged === preview.id;
    submitMutation.mutate(
      { request, idempotencyKey: key, previewId, ...(acknowledgeConflicts ? { acknowledgeConflicts } : {}) },
      {
        onSettled: () => {
          submitting.current = false;
        },
        onSuccess: (answer) => {
          if (answer.status === 'opened') {
            // A retry's replayed answer never hides that this very submit opened the pull request.
            setSubmitted((before) => (before && 'result' in before && before.result.status === 'opened' && before.previewId === previewId ? before : { previewId, result: answer }));
            void queryClient.invalidateQueries(trpc.changes.list.queryFilter());
            return;
          }
          // Rebased, conflicting or blocked: the answer carries the preview the operator must look at again.
          setResult({ key: current.key, preview: answer.preview, ...(answer.status === 'rebased' ? { rebasedFrom: preview.base.sha } : {}) });
          setSubmitted({ previewId: answer.preview.id, result: answer });
        },
        onError: (error) => setSubmitted({ previewId, error: error.message }),
      },
    );
  }

  const formFor: Record<IntentKind, ReactNode> = {
    weights: <WeightsForm regions={regions} weights={drafts.weights} onChange={(weights) => setDrafts({ ...drafts, weights })} />,
    'read-only': <ReadOnlyForm regions={regions} draft={drafts.readOnly} onChange={(readOnly) => setDrafts({ ...drafts, readOnly })} />,
    degraded: <DegradedForm regions={regions} switches={switches} draft={drafts.degraded} onChange={(degraded) => setDrafts({ ...drafts, degraded })} />,
    declare: <DeclareForm regions={regions} draft={drafts.declare} onChange={(declare) => setDrafts({ ...drafts, declare })} />,
    'guided-failover': <GuidedFailoverForm regions={regions} draft={drafts.guidedFailover} onChange={(guidedFailover) => setDrafts({ ...drafts, guidedFailover })} />,
    release: <ReleaseForm apps={apps} draft={drafts.release} onChange={(release) => setDrafts({ ...drafts, release })} />,
  };

  return (
    <Box sx={{ display: 'grid', gap: 3, gridTemplateColumns: { xs: 'minmax(0, 1fr)', lg: 'minmax(0, 5fr) minmax(0, 7fr)' }, alignItems: 'start' }}>
      <Paper component="section" variant="outlined" aria-labelledby="compose-heading" sx={{ p: 2, display: 'flex', flexDirection: 'column', gap: 2, minWidth: 0 }}>
        <Typography id="compose-heading" variant="h2">
          What to change
        </Typography>
        <Tabs value={kind} onChange={(_event, next: IntentKind) => setKind(next)} variant="scrollable" scrollButtons="auto" allowScrollButtonsMobile aria-label="Kind of change">
          {INTENT_KINDS.map((intentKind) => (
            <Tab key={intentKind} value={intentKind} label={INTENT_LABELS[intentKind]} data-testid={TEST_IDS.intentTab(intentKind)} id={`intent-tab-${intentKind}`} aria-controls="intent-panel" />
          ))}
        </Tabs>
        <Box role="tabpanel" id="intent-panel" aria-labelledby={`intent-tab-${kind}`}>
          {formFor[kind]}
        </Box>
        <TextField
          label="Reason"
          required
          value={reason}
          onChange={(event) => setReason(event.target.value.replace(/[\r\n]+/g, ' '))}
          helperText={`Why this change, on one line: it becomes the pull request's reason (${reason.length}/${reasonMaxLength})`}
          data-testid={TEST_IDS.reason}
          slotProps={{ htmlInput: { maxLength: reasonMaxLength } }}
        />
      </Paper>

      <Paper
        component="section"
        variant="outlined"
        aria-labelledby="preview-heading"
        aria-busy={phase === 'loading'}
        data-testid={TEST_IDS.previewPanel}
        data-state={phase}
        sx={{ p: 2, display: 'flex', flexDirection: 'column', gap: 2, minWidth: 0 }}
      >
        <Typography id="preview-heading" variant="h2">
          Preview
        </Typography>
        {!canSubmit && (
          <Alert severity="info">You are signed in as a viewer: you can look at the forms, but only operators can preview and submit a change.</Alert>
        )}
        {canSubmit && phase === 'idle' && (
          <Typography variant="body2" color="text.secondary">
            {'intent' in built ? 'Give a reason to see the preview.' : `Fill in ${built.missing} to see the preview.`}
          </Typography>
        )}
        {phase === 'loading' && (
          <Typography variant="body2" role="status" color="text.secondary">
            Judging the change with the policies…
          </Typography>
        )}
        {phase === 'error' && current?.error && (
          <Alert severity="error" role="alert">
            <AlertTitle>The preview failed</AlertTitle>
            {current.error}
          </Alert>
        )}
        {current?.rebasedFrom && preview && (
          <Alert severity="warning" data-testid={TEST_IDS.rebasedNotice}>
            <AlertTitle>The default branch moved</AlertTitle>
            Nothing was submitted. The change was rebuilt on {shortSha(preview.base.sha)} (you previewed it on {shortSha(current.rebasedFrom)}): check the new
            preview below, then submit again to confirm.
          </Alert>
        )}
        {preview && canSubmit && (
          <Box sx={{ opacity: phase === 'loading' ? 0.6 : 1 }}>
            <PreviewPanel
              preview={preview}
              acknowledgement={
                <FormControlLabel
                  control={
                    <Checkbox
                      checked={acknowledged === preview.id}
                      onChange={(event) => setAcknowledged(event.target.checked ? preview.id : undefined)}
                      slotProps={{ input: { 'data-testid': TEST_IDS.acknowledgeConflicts } as InputHTMLAttributes<HTMLInputElement> }}
                    />
                  }
                  label="I have read the other changes to these values and decide again"
                />
              }
            />
          </Box>
        )}

        <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1, alignItems: 'flex-start' }}>
          <Button
            variant="contained"
            size="large"
            onClick={submit}
            disabled={Boolean(disabledBecause)}
            aria-describedby={disabledBecause ? 'submit-disabled-reason' : undefined}
            data-testid={TEST_IDS.submit}
          >
            {current?.rebasedFrom ? 'Confirm and submit' : 'Submit change request'}
          </Button>
          {disabledBecause && (
            <Typography id="submit-disabled-reason" variant="body2" data-testid={TEST_IDS.submitDisabledReason} sx={{ color: 'text.secondary' }}>
              {disabledBecause}
            </Typography>
          )}
        </Box>
        {outcome && <SubmitOutcome outcome={outcome} />}
      </Paper>
    </Box>
  );
}

function SubmitOutcome({ outcome }: { outcome: Submitted }) {
  if ('error' in outcome) {
    return (
      <Alert severity="error" role="alert" data-testid={TEST_IDS.submitResult} data-status="error">
        <AlertTitle>Not submitted</AlertTitle>
        {outcome.error}
      </Alert>
    );
  }
  const { result } = outcome;
  switch (result.status) {
    case 'opened':
      return (
        <Alert severity="success" role="status" data-testid={TEST_IDS.submitResult} data-status="opened">
          <AlertTitle>{result.replayed ? 'Already submitted' : 'Pull request opened'}</AlertTitle>
          <a href={result.pullRequest.url} target="_blank" rel="noreferrer" data-testid={TEST_IDS.pullRequestLink}>
            #{result.pullRequest.number} {result.pullRequest.title}
          </a>
          . Reviewers are requested from CODEOWNERS and the checks run there.
        </Alert>
      );
    case 'rebased':
      return <span data-testid={TEST_IDS.submitResult} data-status="rebased" hidden />;
    case 'conflict':
      return (
        <Alert severity="warning" role="alert" data-testid={TEST_IDS.submitResult} data-status="conflict">
          Nothing was submitted: another change touched the same values since your preview. Read them above and decide again.
        </Alert>
      );
    case 'blocked':
      return (
        <Alert severity="error" role="alert" data-testid={TEST_IDS.submitResult} data-status="blocked">
          Nothing was submitted: the policies block the change on the current default branch.
        </Alert>
      );
  }
}
