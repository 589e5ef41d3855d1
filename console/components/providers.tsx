'use client';
import type { ReactNode } from 'react';
import { AppRouterCacheProvider } from '@mui/material-nextjs/v16-appRouter';
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import { TRPCReactProvider } from '../lib/trpc';
import { theme } from './theme';

export function Providers({ nonce, children }: { nonce: string | undefined; children: ReactNode }) {
  return (
    <AppRouterCacheProvider options={{ key: 'mui', nonce }}>
      <ThemeProvider theme={theme}>
        <CssBaseline enableColorScheme />
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </ThemeProvider>
    </AppRouterCacheProvider>
  );
}
