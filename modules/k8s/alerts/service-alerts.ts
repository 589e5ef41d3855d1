import { regionsOfApp, type App, type Model, type Region } from '../../../schemas';
import { errorRatio, REQUEST_DURATION, selector } from '../service-metrics';
import { aroundThreshold, duration, tidy, type AlertDefinition, type TestSeries } from './alert';

/**
 * The regional error rate alert fires at twice the app's error-rate SLO: at 2× the allowed rate the
 * month's budget is gone in half a month, which no longer waits for the burn-rate review, and one bad
 * minute at 1× would page for noise.
 */
export const ERROR_RATE_SLO_MULTIPLE = 2;
const ERROR_RATE_WINDOW_SECONDS = 300;
const ERROR_RATE_FOR_SECONDS = 300;

/**
 * Fast burn of the availability budget (Google SRE workbook, multiwindow alerts): 2 % of a 30-day
 * budget in one hour is a burn rate of 14.4, confirmed over 5 minutes so the alert stops soon after
 * the errors do.
 */
export const FAST_BURN_RATE = 14.4;
const BURN_LONG_WINDOW_SECONDS = 3600;
const BURN_SHORT_WINDOW_SECONDS = 300;
const BURN_FOR_SECONDS = 120;

/** Requests per minute in the tests; large enough that error counts stay readable. */
const TEST_REQUESTS_PER_MINUTE = 10000;

/** Alerts on the services running in the region, measured by the signals the canary analysis uses. */
export function serviceAlerts(model: Model, region: Region): AlertDefinition[] {
  return model.apps.filter((app) => regionsOfApp(model, app).includes(region)).flatMap((app) => [errorRateHigh(app, region), errorBudgetBurn(app, region)]);
}

function errorRateHigh(app: App, region: Region): AlertDefinition {
  const threshold = tidy((ERROR_RATE_SLO_MULTIPLE * app.slo.errorRatePercent) / 100);
  const percent = tidy(threshold * 100);
  return {
    name: 'RegionalErrorRateHigh',
    severity: 'critical',
    expr: `${errorRatio({ namespace: app.name }, duration(ERROR_RATE_WINDOW_SECONDS))} > ${threshold}`,
    forSeconds: ERROR_RATE_FOR_SECONDS,
    summary: `${app.name} in ${region.id} answers more than ${percent}% of requests with a 5xx`,
    description:
      `More than ${percent}% of ${app.name}'s requests in ${region.id} over ${duration(ERROR_RATE_WINDOW_SECONDS)} failed with a 5xx, ` +
      `${ERROR_RATE_SLO_MULTIPLE}× its error-rate SLO of ${app.slo.errorRatePercent}%, for ${duration(ERROR_RATE_FOR_SECONDS)}.`,
    labels: { app: app.name },
    test: { series: errorSeries(app, threshold), windowSeconds: ERROR_RATE_WINDOW_SECONDS },
  };
}

function errorBudgetBurn(app: App, region: Region): AlertDefinition {
  const budget = tidy(1 - app.slo.availabilityPercent / 100);
  const threshold = tidy(FAST_BURN_RATE * budget);
  const matchers = { namespace: app.name };
  return {
    name: 'ErrorBudgetBurnFast',
    severity: 'critical',
    expr: `(${errorRatio(matchers, duration(BURN_LONG_WINDOW_SECONDS))} > ${threshold}) and (${errorRatio(matchers, duration(BURN_SHORT_WINDOW_SECONDS))} > ${threshold})`,
    forSeconds: BURN_FOR_SECONDS,
    summary: `${app.name} in ${region.id} burns its error budget ${FAST_BURN_RATE}× too fast`,
    description:
      `${app.name}'s 5xx ratio in ${region.id} has been above ${tidy(threshold * 100)}% over both ${duration(BURN_LONG_WINDOW_SECONDS)} and ${duration(BURN_SHORT_WINDOW_SECONDS)}: ` +
      `at this rate the ${app.slo.availabilityPercent}% availability SLO's 30-day error budget is gone in about two days.`,
    labels: { app: app.name },
    test: { series: errorSeries(app, threshold), windowSeconds: BURN_LONG_WINDOW_SECONDS },
  };
}

/** Successful and failed requests whose 5xx share sits just under, then just over, `threshold`. */
function errorSeries(app: App, threshold: number): TestSeries[] {
  const failed = (share: number) => tidy(TEST_REQUESTS_PER_MINUTE * share);
  const { quiet, fire } = aroundThreshold(threshold);
  const series = (status: string) => `${REQUEST_DURATION}_count${selector({ namespace: app.name, http_response_status_code: status })}`;
  return [
    { series: series('200'), kind: 'counter', quiet: TEST_REQUESTS_PER_MINUTE - failed(quiet), fire: TEST_REQUESTS_PER_MINUTE - failed(fire) },
    { series: series('503'), kind: 'counter', quiet: failed(quiet), fire: failed(fire) },
  ];
}
