import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { formatUtc, shortSha } from '../../lib/format';
import type { Preview } from '../../lib/types';
import { TEST_IDS } from '../test-ids';
import { DiffView } from './diff-view';

const CLASS_COLOR = { standard: 'success', normal: 'info', 'cab-required': 'warning', emergency: 'error' } as const;

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <Box component="section" data-testid={testId} sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <Typography variant="h3" component="h3">
        {title}
      </Typography>
      {children}
    </Box>
  );
}

function FileGroup({ title, files, open }: { title: string; files: Preview['files']; open: boolean }) {
  if (!files.length) return null;
  return (
    <Box>
      <Typography variant="subtitle2" component="h4">
        {title}
      </Typography>
      {files.map((file) => (
        <Box component="details" key={file.path} data-testid={TEST_IDS.previewFile} data-path={file.path} open={open} sx={{ my: 0.5 }}>
          <Box component="summary" sx={{ cursor: 'pointer', overflowWrap: 'anywhere' }}>
            <code>{file.path}</code>{' '}
            <Typography component="span" variant="caption">
              ({file.status})
            </Typography>
          </Box>
          <DiffView diff={file.diff} label={`Diff of ${file.path}`} />
        </Box>
      ))}
    </Box>
  );
}

function seconds(value: number | undefined) {
  return value === undefined ? 'n/a' : `${value} s`;
}

/** What the change would do and what the policies say about it, before anything is submitted. */
/** `acknowledgement` sits under the conflicts, where the operator reads them: the control that decides again. */
export function PreviewPanel({ preview, acknowledgement }: { preview: Preview; acknowledgement?: ReactNode }) {
  const { blocking, findings, classification, resilience, files, conflicts } = preview;
  const waived = findings.filter((finding) => finding.waiver);
  const inputs = files.filter((file) => !file.path.startsWith('generated/'));
  const generated = files.filter((file) => file.path.startsWith('generated/'));
  const { rto, rpo } = resilience.after;
  const before = resilience.before;
  const reviewers = [...preview.reviewers.teams.map((team) => `team ${team}`), ...preview.reviewers.users.map((user) => `@${user}`)];
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2.5 }}>
      <Typography variant="body2" color="text.secondary">
        Built on {preview.base.branch} at <code>{shortSha(preview.base.sha)}</code>, judged in {Math.round(preview.durationMs)} ms.
      </Typography>

      <Box data-testid={TEST_IDS.previewVerdict} data-verdict={blocking.length ? 'blocked' : 'pass'}>
        {blocking.length ? (
          <Alert severity="error" role="alert">
            <AlertTitle>
              Blocked: {blocking.length} {blocking.length === 1 ? 'policy refuses' : 'policies refuse'} this change
            </AlertTitle>
            <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
              {blocking.map((finding, index) => (
                <Box component="li" key={`${finding.policy}-${index}`} data-testid={TEST_IDS.blockingFinding} data-policy={finding.policy} sx={{ mb: 1 }}>
                  <Typography component="span" sx={{ fontFamily: 'monospace', fontWeight: 700 }}>
                    {finding.policy}
                  </Typography>{' '}
                  <Chip size="small" label={finding.severity} variant="outlined" sx={{ mx: 0.5 }} />
                  <Typography component="span" variant="body2">
                    {finding.message}
                  </Typography>
                  <Typography component="span" variant="caption" sx={{ display: 'block' }}>
                    at {finding.location.file}
                    {finding.location.path ? ` (${finding.location.path})` : ''}
                    {finding.remediation ? ` · fix: ${finding.remediation}` : ''}
                  </Typography>
                </Box>
              ))}
            </Box>
          </Alert>
        ) : (
          <Alert severity="success">
            <AlertTitle>Policies pass</AlertTitle>
            {waived.length ? `${waived.length} finding${waived.length === 1 ? ' is' : 's are'} waived: ${waived.map((finding) => finding.policy).join(', ')}.` : 'No findings.'}
          </Alert>
        )}
      </Box>

      <Section title="Change class" testId={TEST_IDS.previewClass}>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
          <Chip label={classification.class} color={CLASS_COLOR[classification.class]} />
          <Typography variant="body2">rule {classification.rule}</Typography>
        </Box>
        {classification.reasons.length > 0 && (
          <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
            {classification.reasons.map((reason, index) => (
              <Typography component="li" variant="body2" key={index}>
                {reason.class}: {reason.message}
              </Typography>
            ))}
          </Box>
        )}
      </Section>

      <Section title="Reviewers">
        <Typography variant="body2">
          {reviewers.length ? `${reviewers.join(', ')}, requested from CODEOWNERS when the pull request opens.` : 'None: CODEOWNERS names no one for these files other than you.'}
        </Typography>
      </Section>

      <Section title="Predicted RTO and RPO" testId={TEST_IDS.previewResilience}>
        <Box sx={{ overflowX: 'auto' }}>
          <Box component="table" sx={{ borderCollapse: 'collapse', fontSize: '0.875rem', '& th, & td': { textAlign: 'left', p: 0.5, pr: 2, borderBottom: 1, borderColor: 'divider' } }}>
            <thead>
              <tr>
                <th scope="col">Bound</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
                <th scope="col">Target</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">RTO (losing {rto.worstRegion})</th>
                <td>{seconds(before?.rto.boundSeconds)}</td>
                <td>{seconds(rto.boundSeconds)}</td>
                <td>≤ {rto.sloSeconds} s</td>
              </tr>
              {Object.entries(rpo.byDataSet).map(([name, figure]) => (
                <tr key={name}>
                  <th scope="row">RPO, {name}</th>
                  <td>{seconds(before?.rpo.byDataSet[name]?.boundSeconds)}</td>
                  <td>{seconds(figure.boundSeconds)}</td>
                  <td>
                    ≤ {figure.targetSeconds} s (SLO {rpo.sloSeconds} s)
                  </td>
                </tr>
              ))}
            </tbody>
          </Box>
        </Box>
        <Box component="details">
          <Box component="summary" sx={{ cursor: 'pointer' }}>
            Arithmetic
          </Box>
          <Box component="pre" sx={{ m: 0, mt: 1, whiteSpace: 'pre-wrap', fontSize: '0.8rem' }}>
            {[...Object.values(rto.byRegion).map((region) => region.arithmetic), ...Object.values(rpo.byDataSet).map((dataSet) => dataSet.arithmetic)].join('\n')}
          </Box>
        </Box>
      </Section>

      {conflicts.length > 0 && (
        <Section title="Other changes to the same values" testId={TEST_IDS.previewConflicts}>
          <Alert severity="warning">
            <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
              {conflicts.map((conflict, index) => (
                <li key={index}>
                  <code>{conflict.file}</code> {conflict.path}: set to <code>{JSON.stringify(conflict.theirs)}</code> by {conflict.by} at {formatUtc(conflict.at)}
                  {conflict.pullRequest ? (
                    <>
                      {' '}
                      in{' '}
                      <a href={conflict.pullRequest.url} target="_blank" rel="noreferrer">
                        pull request #{conflict.pullRequest.number}
                      </a>{' '}
                      ({conflict.pullRequest.state})
                    </>
                  ) : conflict.commit ? (
                    <> in commit {shortSha(conflict.commit)}</>
                  ) : null}
                </li>
              ))}
            </Box>
          </Alert>
          {acknowledgement}
        </Section>
      )}

      <Section title={`Files (${files.length})`} testId={TEST_IDS.previewFiles}>
        <FileGroup title="Inputs" files={inputs} open />
        <FileGroup title="Generated" files={generated} open={false} />
      </Section>
    </Box>
  );
}
