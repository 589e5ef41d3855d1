import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import type { Metadata } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { AppHeader } from '../components/app-header';
import { Providers } from '../components/providers';
import { serverCaller } from '../lib/server';
import { ConsoleConfigError } from '../server/config';

export const metadata: Metadata = {
  title: { default: 'Region console', template: '%s · Region console' },
  description: 'Region health, replication lag and reviewed change requests for the multi-region deployment.',
  referrer: 'no-referrer',
};

async function header(): Promise<{ header: ReactNode } | { configProblems: string[] }> {
  try {
    const { caller } = await serverCaller();
    return { header: <AppHeader me={await caller.session.me()} /> };
  } catch (error) {
    // A console started with a bad environment says what to fix on every page rather than failing blank.
    if (error instanceof ConsoleConfigError) return { configProblems: error.problems };
    throw error;
  }
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  const top = await header();
  return (
    <html lang="en">
      <body>
        <Providers nonce={nonce}>
          <Box
            component="a"
            href="#main"
            sx={{ position: 'absolute', left: -9999, top: 0, zIndex: 10, p: 1, bgcolor: 'background.paper', color: 'text.primary', '&:focus': { left: 8, top: 8 } }}
          >
            Skip to content
          </Box>
          {'header' in top && top.header}
          <Box component="main" id="main" sx={{ maxWidth: 1440, mx: 'auto', px: { xs: 1.5, sm: 3 }, py: { xs: 2, sm: 3 } }}>
            {'configProblems' in top ? (
              <Alert severity="error">
                <AlertTitle component="h1">The console&apos;s configuration is not usable</AlertTitle>
                Fix the environment and start the console again:
                <Box component="ul" sx={{ mb: 0 }}>
                  {top.configProblems.map((problem) => (
                    <li key={problem}>{problem}</li>
                  ))}
                </Box>
              </Alert>
            ) : (
              children
            )}
          </Box>
        </Providers>
      </body>
    </html>
  );
}
