/**
 * Grafana panels are embedded when `MR_CONSOLE_GRAFANA_URL` holds a panel embed URL (Grafana's "d-solo" link);
 * `{region}` in it stands for the region id, so one dashboard variable serves every region. The server
 * configuration reads and validates the variable; the Content-Security-Policy needs only its origin.
 */
export const GRAFANA_URL_ENV = 'MR_CONSOLE_GRAFANA_URL';

export function grafanaPanelUrl(template: string, region: string): string {
  return template.replaceAll('{region}', encodeURIComponent(region));
}

/** The origin pages may frame; undefined when no URL is configured or it is not an http(s) URL. */
export function grafanaOrigin(template: string | undefined): string | undefined {
  if (!template) return undefined;
  try {
    const url = new URL(grafanaPanelUrl(template, 'region'));
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
