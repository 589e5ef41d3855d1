import { localSignIn } from '../../../../server/auth/handlers';
import { authSettings } from '../../../../server/services';

export function POST(request: Request): Promise<Response> {
  return localSignIn(request, authSettings());
}
