import { TerraformStack } from 'cdktn';
import { AwsProvider } from '@cdktn/provider-aws/lib/provider';
import type { Construct } from 'constructs';
import { primaryRegion, type Model } from '../../schemas';
import { regionResourceName } from '../names';
import { CiRoles } from './ci-roles';
import { useStateBackend } from './state-backend';

export interface CiStackProps {
  readonly model: Model;
  /** Name of the stack holding the cross-region resources, whose apply role it creates. */
  readonly globalStackName: string;
}

/**
 * The roles GitHub Actions assumes to plan and apply the other stacks. Applied by an administrator,
 * never by CI: the apply roles may refresh these roles but not change them, so CI cannot widen its own
 * permissions.
 */
export class CiStack extends TerraformStack {
  readonly roles: CiRoles;

  constructor(scope: Construct, id: string, props: CiStackProps) {
    super(scope, id);
    const { model } = props;
    const { global } = model;
    new AwsProvider(this, 'aws', {
      region: primaryRegion(model).awsRegion,
      allowedAccountIds: [global.infrastructure.accountId],
      defaultTags: [{ tags: { project: global.name, scope: 'ci', 'managed-by': 'terraform' } }],
    });
    useStateBackend(this, global.terraformState, id);
    this.roles = new CiRoles(this, 'ci', {
      name: global.name,
      repository: global.infrastructure.ciRepository,
      stateBucket: global.terraformState.bucket,
      stateKeyPrefix: global.terraformState.keyPrefix,
      stateRegion: global.terraformState.region,
      // Merges land on the branch Argo CD follows; the stacks are planned and applied from it.
      defaultBranch: global.delivery.targetRevision,
      // Region stacks read their peers' outputs (the primary's global datastore id, a source's MSK cluster).
      regions: model.regions.map((region) => ({
        id: region.id,
        awsRegion: region.awsRegion,
        clusterName: regionResourceName(global, region),
        readsStateOf: model.regions.filter((peer) => peer.id !== region.id).map((peer) => peer.id),
      })),
      globalStackName: props.globalStackName,
    });
  }
}
