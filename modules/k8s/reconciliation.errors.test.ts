import { describe, expect, it } from 'vitest';
import { exampleModel, synthChart } from '../../tests/helpers/k8s-chart';
import { Reconciliation } from './reconciliation';

describe('Reconciliation refuses', () => {
  it('an app named reconciliation, whose namespace and Application the Jobs use', async () => {
    const model = await exampleModel();
    const clashing = { ...model, apps: [...model.apps, { ...model.apps[0]!, name: 'reconciliation' }] };
    expect(() => synthChart((chart) => new Reconciliation(chart, 'reconciliation', { model: clashing, region: model.regions[0]! }))).toThrow(
      'Reconciliation reconciliation: model.apps: expected no app named reconciliation (the reconciliation Jobs’ namespace and Application), got reconciliation',
    );
  });
});
