/**
 * Whether a request that changes something comes from another site: a form or script on a sibling subdomain
 * or on another port of localhost still sends the SameSite=Lax session cookie, so the cookie alone proves
 * nothing. Browsers say where a request comes from in Sec-Fetch-Site; without it, Origin must name this
 * console's own host. A request with neither (curl, a script, an old browser's same-origin request) is not a
 * browser acting for someone on another site; Origin is "null" for the console's own requests under its
 * no-referrer policy.
 */
export function crossSite(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site) return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.get('origin');
  if (!origin || origin === 'null') return false;
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host') ?? new URL(request.url).host;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}
