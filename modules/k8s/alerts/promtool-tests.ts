import type { Global, Model, Region } from '../../../schemas';
import { alertAnnotations, alertInstance, alertLabels, tidy, type AlertDefinition, type TestSeries } from './alert';
import { alertRuleFiles } from './rule-files';
import { manifestYaml } from '../manifest-yaml';

/** Evaluation and sample interval of every test, in seconds. */
const STEP_SECONDS = 60;

/** The file the promtool gate writes a PrometheusRule's spec to, beside its test file. */
export const ruleFileName = (ruleName: string) => `${ruleName}.rules.yaml`;
export const testFileName = (ruleName: string) => `${ruleName}.test.yaml`;

/**
 * promtool unit tests of a region's alerts: `<rule name>.test.yaml` for each PrometheusRule. Each alert
 * instance gets one test group whose series sit just on the quiet side of its threshold, then cross it:
 * it is expected quiet while under the threshold for longer than its window and `for`, still quiet when
 * above for less than `for`, and firing (exact labels and annotations) once `for` has passed.
 */
export function alertTests(model: Model, region: Region): Map<string, string> {
  return new Map(
    alertRuleFiles(model, region).map((file) => [
      testFileName(file.name),
      manifestYaml({
        rule_files: [ruleFileName(file.name)],
        evaluation_interval: minutes(1),
        tests: file.alerts.map((alert) => testGroup(alert, region, model.global)),
      }),
    ]),
  );
}

function testGroup(alert: AlertDefinition, region: Region, global: Global) {
  const steps = (seconds: number) => Math.ceil(seconds / STEP_SECONDS);
  // Quiet long enough for the window and `for` to pass entirely under the threshold.
  const quietSteps = steps(alert.test.windowSeconds + alert.forSeconds) + 2;
  const crossedAt = quietSteps;
  const firingAt = crossedAt + steps(alert.test.windowSeconds + alert.forSeconds) + 1;
  const quiet = (at: number) => ({ eval_time: minutes(at), alertname: alert.name, exp_alerts: [] });
  return {
    name: alertInstance(alert),
    interval: minutes(1),
    input_series: alert.test.series.map((series) => ({ series: series.series, values: values(series, crossedAt, firingAt) })),
    alert_rule_test: [
      quiet(crossedAt - 1),
      // Above the threshold, but for less than `for`.
      ...(alert.forSeconds > 0 ? [quiet(crossedAt + steps(alert.forSeconds) - 1)] : []),
      { eval_time: minutes(firingAt), alertname: alert.name, exp_alerts: [{ exp_labels: alertLabels(alert, region), exp_annotations: alertAnnotations(alert, global) }] },
    ],
  };
}

/** promtool's expanding notation: samples 0 … crossedAt-1 quiet, crossedAt … last firing. */
function values(series: TestSeries, crossedAt: number, last: number): string {
  const quietSamples = crossedAt - 1;
  const firingSamples = last - crossedAt;
  if (series.kind === 'gauge') return `${series.quiet}+0x${quietSamples} ${series.fire}+0x${firingSamples}`;
  const atCrossing = tidy(series.quiet * quietSamples + series.fire);
  return `0+${series.quiet}x${quietSamples} ${atCrossing}+${series.fire}x${firingSamples}`;
}

const minutes = (steps: number) => `${(steps * STEP_SECONDS) / 60}m`;
