'use client';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';

/**
 * A page that failed on the server. Production hides the message from the browser, so the page says where
 * it is (the server log, under the digest) and offers the way on: try again, or the break-glass runbook.
 */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2, maxWidth: 720 }}>
      <Typography variant="h1">This page could not be shown</Typography>
      <Alert severity="error">
        <AlertTitle>{error.digest ? `Server error ${error.digest}` : error.message}</AlertTitle>
        The console&apos;s server log has the details{error.digest ? ' under this digest' : ''}. If the forge or the console itself is down during an
        incident, follow the break-glass path in docs/runbooks.md.
      </Alert>
      <Box>
        <Button variant="contained" onClick={reset}>
          Try again
        </Button>
      </Box>
    </Box>
  );
}
