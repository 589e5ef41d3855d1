/**
 * Stable hooks for the browser tests (`page.getByTestId(...)`). Change a value here and the tests follow;
 * never rename one in a component by hand. Besides these, every control has an accessible name
 * (`getByRole('button', { name: 'Submit change request' })`, `getByLabel('Reason')`).
 *
 * Layout (every page)
 *   app-header                      the header; `signed-in-user` inside reads "alice · operator"
 *   demo-mode-banner                present only when the console runs in local demo mode ("LOCAL DEMO MODE")
 *   sign-out                        the sign-out button
 *
 * Overview (/)
 *   overview                        the page; data-generated-at = the overview's generatedAt
 *   live-status                     data-state = connecting | live | error; text says which
 *   region-card-<id>                one per region; data-health = healthy | failing | unknown
 *   region-freshness-<id>           data-fresh = true | false; text "live" or "no data since 03:12:40 UTC"
 *   region-latency-<id>, region-error-rate-<id>, region-weight-<id>, region-read-only-<id>, region-degraded-<id>
 *   replication-<id>-<dataSet>      data-state = ok | warning | breach | unknown; text has lag, alert and RPO
 *   declarations-in-force, freezes-in-force, releases-in-flight, grafana-<id> (only with a Grafana URL)
 *
 * Region detail (/regions/<id>)
 *   region-detail, history-source (data-fresh = true | false: the region's Prometheus answered the history query)
 *   history-chart-<series>          p95-latency, error-rate, <dataSet>-lag (the series name, lower case, runs of other characters as -)
 *
 * New change (/changes/new?kind=<intent kind>&region=<id>&from=<id>&to=<id>)
 *   intent-<kind>                   the tab of each intent: weights, read-only, degraded, declare, guided-failover, release
 *   weight-slider-<id>, weight-input-<id>, weight-sum (data-valid = true | false)
 *   change-reason                   the reason field (label "Reason")
 *     weight-input-<id> and change-reason mark the whole field: type into `.locator('input')` inside it.
 *     acknowledge-conflicts marks the checkbox's input itself (`.check()`).
 *   preview-panel                   data-state = idle | loading | ready | error
 *   preview-verdict                 data-verdict = pass | blocked
 *   blocking-finding                one per blocking finding; data-policy = the policy id
 *   preview-class, preview-resilience, preview-files, preview-file (data-path = repository path), preview-conflicts
 *   acknowledge-conflicts           the "decide again" checkbox shown with conflicts
 *   submit-change                   the submit button (disabled when blocked, pending, or for a viewer)
 *   submit-disabled-reason          why submit is disabled, when it is
 *   rebased-notice                  the default branch moved: the preview was rebuilt, confirm to submit
 *   submit-result                   data-status = opened | rebased | conflict | blocked | error
 *   pull-request-link               the opened pull request
 *
 * Change requests (/changes, /changes/<number>)
 *   changes-table, change-row-<number>, change-detail, change-markdown, change-unverified (a console/ pull request the console did not make)
 *
 * Audit (/audit)
 *   audit-table, audit-row (data-outcome = the record's outcome)
 *
 * Sign-in (/sign-in)
 *   sign-in-as-<login> (local mode), oidc-sign-in (OIDC mode), sign-in-error
 */
export const TEST_IDS = {
  header: 'app-header',
  signedInUser: 'signed-in-user',
  demoBanner: 'demo-mode-banner',
  signOut: 'sign-out',

  overview: 'overview',
  liveStatus: 'live-status',
  regionCard: (region: string) => `region-card-${region}`,
  regionFreshness: (region: string) => `region-freshness-${region}`,
  regionHealth: (region: string) => `region-health-${region}`,
  regionLatency: (region: string) => `region-latency-${region}`,
  regionErrorRate: (region: string) => `region-error-rate-${region}`,
  regionWeight: (region: string) => `region-weight-${region}`,
  regionReadOnly: (region: string) => `region-read-only-${region}`,
  regionDegraded: (region: string) => `region-degraded-${region}`,
  replication: (region: string, dataSet: string) => `replication-${region}-${dataSet}`,
  declarations: 'declarations-in-force',
  freezes: 'freezes-in-force',
  releases: 'releases-in-flight',
  grafana: (region: string) => `grafana-${region}`,

  regionDetail: 'region-detail',
  historyChart: (series: string) => `history-chart-${series}`,
  historySource: 'history-source',

  intentTab: (kind: string) => `intent-${kind}`,
  weightSlider: (region: string) => `weight-slider-${region}`,
  weightInput: (region: string) => `weight-input-${region}`,
  weightSum: 'weight-sum',
  reason: 'change-reason',
  previewPanel: 'preview-panel',
  previewVerdict: 'preview-verdict',
  blockingFinding: 'blocking-finding',
  previewClass: 'preview-class',
  previewResilience: 'preview-resilience',
  previewFiles: 'preview-files',
  previewFile: 'preview-file',
  previewConflicts: 'preview-conflicts',
  acknowledgeConflicts: 'acknowledge-conflicts',
  submit: 'submit-change',
  submitDisabledReason: 'submit-disabled-reason',
  rebasedNotice: 'rebased-notice',
  submitResult: 'submit-result',
  pullRequestLink: 'pull-request-link',

  changesTable: 'changes-table',
  changeRow: (number: number) => `change-row-${number}`,
  changeDetail: 'change-detail',
  changeMarkdown: 'change-markdown',
  changeUnverified: 'change-unverified',

  auditTable: 'audit-table',
  auditRow: 'audit-row',

  signInAs: (login: string) => `sign-in-as-${login}`,
  oidcSignIn: 'oidc-sign-in',
  signInError: 'sign-in-error',
} as const;
