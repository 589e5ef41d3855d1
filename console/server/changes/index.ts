export { ChangeRequestError, createChangeService, type ChangeServiceOptions } from './service';
export type { ChangeRequestDetail, ChangeRequestSummary, ChangeService, ChangeTrailer, DefaultBranch, Preview, PreviewFile, Requester, SubmitResult, ValueConflict } from './types';
