/**
 * The Content-Security-Policy of every page. Scripts and style elements run only with the request's nonce
 * (Next.js and Emotion both attach it); style attributes stay allowed because MUI positions sliders and
 * progress bars with them, and an attribute cannot run code. Frames are refused unless a Grafana origin is
 * configured, and then only that origin may be framed.
 */
export function contentSecurityPolicy(options: { nonce: string; development: boolean; https: boolean; frameOrigin?: string }): string {
  const { nonce, development, https, frameOrigin } = options;
  const directives = [
    "default-src 'self'",
    // React reconstructs server error stacks with eval in development only.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' 'nonce-${nonce}'`,
    `style-src-elem 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    `frame-src ${frameOrigin ?? "'none'"}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ];
  return directives.join('; ');
}
