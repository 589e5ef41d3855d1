import Box from '@mui/material/Box';

/** Past this many lines a file's diff is cut, with the count of what is not shown (generated plans can be long). */
const MAX_LINES = 1500;

function lineColor(line: string): string | undefined {
  if (line.startsWith('+++') || line.startsWith('---')) return 'text.secondary';
  if (line.startsWith('+')) return 'success.main';
  if (line.startsWith('-')) return 'error.main';
  if (line.startsWith('@@')) return 'info.main';
  return undefined;
}

/** A unified diff, added and removed lines marked by their sign as well as their colour. */
export function DiffView({ diff, label }: { diff: string; label: string }) {
  const lines = diff.replace(/\n$/, '').split('\n');
  const shown = lines.slice(0, MAX_LINES);
  return (
    <Box
      component="pre"
      tabIndex={0}
      aria-label={label}
      sx={{ m: 0, p: 1, overflowX: 'auto', fontSize: '0.8rem', lineHeight: 1.45, bgcolor: 'action.hover', borderRadius: 1, maxHeight: '28rem' }}
    >
      {shown.map((line, index) => (
        <Box component="span" key={index} sx={{ display: 'block', color: lineColor(line), whiteSpace: 'pre' }}>
          {line || ' '}
        </Box>
      ))}
      {lines.length > MAX_LINES && (
        <Box component="span" sx={{ display: 'block', fontStyle: 'italic', color: 'text.secondary' }}>
          … {lines.length - MAX_LINES} more lines not shown; the pull request carries the whole change.
        </Box>
      )}
    </Box>
  );
}
