import { signOut } from '../../../../server/auth/handlers';
import { authSettings } from '../../../../server/services';

export function POST(request: Request): Response {
  return signOut(request, authSettings());
}
