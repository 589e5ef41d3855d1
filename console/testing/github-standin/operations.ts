/**
 * The GitHub REST operations the console's GitHub forge and CI's pull-request comment (`scripts/pr-comment.ts`)
 * call, by their `operationId` in GitHub's OpenAPI description. The extract script copies exactly these into
 * `openapi-slice.json`, and the stand-in must implement each of them; an operation missing here is one the
 * stand-in refuses as unknown.
 */
export const SLICE_OPERATIONS = [
  'apps/create-installation-access-token',
  'apps/get-authenticated',
  'checks/list-for-ref',
  'git/create-blob',
  'git/create-commit',
  'git/create-ref',
  'git/create-tree',
  'git/get-commit',
  'git/get-ref',
  'git/update-ref',
  'issues/add-labels',
  'issues/create-comment',
  'issues/create-label',
  'issues/list-comments',
  'issues/list-labels-for-repo',
  'issues/remove-label',
  'issues/update-comment',
  'pulls/create',
  'pulls/get',
  'pulls/list',
  'pulls/list-files',
  'pulls/list-requested-reviewers',
  'pulls/list-reviews',
  'pulls/request-reviewers',
  'repos/get',
  'repos/get-combined-status-for-ref',
  'users/get-authenticated',
] as const;

export type SliceOperation = (typeof SLICE_OPERATIONS)[number];
