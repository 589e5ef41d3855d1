/**
 * Formatting shared by server and client rendering. Everything is UTC and independent of the browser's locale,
 * so a server-rendered page and its hydration print the same text, and an incident timeline reads the same for
 * every engineer whatever their time zone.
 */

/** `03:12:40 UTC` on the reference instant's UTC day, `2026-12-02 03:12:40 UTC` on any other. */
export function formatUtc(iso: string, reference?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const full = date.toISOString();
  const sameDay = reference !== undefined && full.slice(0, 10) === new Date(reference).toISOString().slice(0, 10);
  return sameDay ? `${full.slice(11, 19)} UTC` : `${full.slice(0, 10)} ${full.slice(11, 19)} UTC`;
}

/** `2026-12-02 03:12 UTC`: for windows and records, where seconds are noise. */
export function formatUtcMinutes(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const full = date.toISOString();
  return `${full.slice(0, 10)} ${full.slice(11, 16)} UTC`;
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return 'no data';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export function formatPercent(percent: number | undefined, digits = 2): string {
  if (percent === undefined) return 'no data';
  return `${percent.toFixed(digits)} %`;
}

export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined) return 'no data';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds % 60);
  return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}
