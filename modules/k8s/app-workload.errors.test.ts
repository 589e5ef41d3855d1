import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { exampleModel } from '../../tests/helpers/k8s-chart';
import { AppWorkload } from './app-workload';

const model = await exampleModel();
const [region, peer] = model.regions;
const app = model.apps[0]!;

describe('AppWorkload rejects', () => {
  it('a region the app does not run in', () => {
    const regional = { ...app, regions: [peer!.id] };
    expect(() => new AppWorkload(new Chart(Testing.app(), 'test'), 'workload', { model: { ...model, apps: [regional] }, region: region!, app: regional, image: app.image })).toThrow(
      `AppWorkload workload: region: expected a region ${app.name} runs in (${peer!.id}), got ${region!.id}`,
    );
  });
});
