import { authSettings, services } from '../../../../server/services';
import { handleTrpcRequest } from '../../../../server/trpc-http';

export const dynamic = 'force-dynamic';

function handler(request: Request): Promise<Response> {
  return handleTrpcRequest(request, () => ({ services: services(), auth: authSettings() }));
}

export { handler as GET, handler as POST };
