import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../server/routers/_app';

// The UI's view of the data: whatever the procedures return, so a change on the server shows up here as a
// type error rather than as a blank field.
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export type Overview = RouterOutputs['regions']['overview'];
export type RegionStatus = Overview['regions'][number];
export type ReplicationStatus = RegionStatus['replication'][number];
export type History = RouterOutputs['regions']['history'];
export type Preview = RouterOutputs['changes']['preview'];
export type SubmitResult = RouterOutputs['changes']['submit'];
export type ChangeSummary = RouterOutputs['changes']['list'][number];
export type ChangeDetail = RouterOutputs['changes']['get'];
export type AuditPage = RouterOutputs['audit']['list'];
export type AuditRecord = AuditPage['records'][number];
export type Me = RouterOutputs['session']['me'];
