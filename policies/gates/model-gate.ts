import { count, formatLocated } from '../../schemas';
import { fail, pass, type Gate } from './gate';

export const modelGate: Gate = {
  name: 'model',
  description: 'Every input parses and matches its Zod schema, and the regions, apps and data sets agree with each other.',
  async run({ load }) {
    if (load.errors) return fail(count(load.errors.length, 'input error'), load.errors.map(formatLocated));
    const { model } = load;
    return pass(`${count(model.regions.length, 'region')}, ${count(model.apps.length, 'app')}, ${count(model.replication.dataSets.length, 'data set')}`);
  },
};

export const synthGate: Gate = {
  name: 'synth',
  description: 'The model compiles into Terraform stacks and Kubernetes manifests without construct errors.',
  async run({ load, synthesized, synthError }) {
    if (load.errors) return fail('not run: the model did not load (see the model gate)');
    if (!synthesized) return fail('synthesis failed', [synthError ?? 'unknown error']);
    return pass(`${synthesized.size} files`);
  },
};
