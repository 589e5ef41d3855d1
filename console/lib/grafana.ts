/**
 * Grafana panels are embedded when `MR_CONSOLE_GRAFANA_URL` names a panel URL (Grafana's "d-solo" embed
 * link). `{region}` in it is replaced by the region id, so one dashboard variable serves every region.
 */
export const GRAFANA_URL_ENV = 'MR_CONSOLE_GRAFANA_URL';

function configured(): URL | undefined {
  const raw = process.env[GRAFANA_URL_ENV];
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw.replaceAll('{region}', 'region'));
  } catch {
    throw new Error(`${GRAFANA_URL_ENV} is not a URL: set it to a Grafana panel embed link, or unset it`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${GRAFANA_URL_ENV} must be an http(s) URL`);
  return url;
}

export function grafanaOrigin(): string | undefined {
  return configured()?.origin;
}

export function grafanaPanelUrl(region: string): string | undefined {
  const raw = process.env[GRAFANA_URL_ENV];
  if (!raw || !configured()) return undefined;
  return raw.replaceAll('{region}', encodeURIComponent(region));
}
