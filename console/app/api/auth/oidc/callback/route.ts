import { oidcCallback } from '../../../../../server/auth/handlers';
import { authSettings } from '../../../../../server/services';

export const dynamic = 'force-dynamic';

export function GET(request: Request): Promise<Response> {
  return oidcCallback(request, authSettings());
}
