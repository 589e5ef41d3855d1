import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import type { Model } from '../../schemas';
import { exampleModel } from '../../tests/helpers/k8s-chart';
import { FisExperimentAccess } from './fis-experiment-access';

const model = await exampleModel();
const east = model.regions.find((region) => region.id === 'us-east-1')!;
const app = model.apps[0]!;

const build = (of: Model) => () => new FisExperimentAccess(new Chart(Testing.app(), 'test'), 'fis', { model: of, region: east });

describe('FisExperimentAccess refuses', () => {
  it('an app behind the load balancer named like the ServiceAccount FIS runs as, which would take over the app’s own', () => {
    const apps = [{ ...app, name: 'fis-experiment' }];
    expect(build({ ...model, apps })).toThrow(
      'FisExperimentAccess fis: the app behind the load balancer in us-east-1: expected a name other than fis-experiment, whose own ServiceAccount would be the one FIS runs as, got fis-experiment',
    );
  });

  it('a region with no app to put the experiments’ pods in', () => {
    const apps = [{ ...app, ports: app.ports.map((port) => ({ ...port, protocol: 'grpc' as const })) }];
    expect(build({ ...model, apps })).toThrow('region us-east-1: apps: expected at least one app with an http port running in us-east-1, got orders-api');
  });
});
