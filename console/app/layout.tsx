import type { ReactNode } from 'react';
import { headers } from 'next/headers';
import { Providers } from '../components/providers';

export const metadata = { title: { default: 'Region console', template: '%s · Region console' } };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  return (
    <html lang="en">
      <body>
        <Providers nonce={nonce}>{children}</Providers>
      </body>
    </html>
  );
}
