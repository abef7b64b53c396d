import { success, successMessage } from '../../../pkg/response/response.js';
import { currentAuth } from '../../middleware/auth.js';
import { tokenView, type passwordLoginBody, type registerBody } from '../../schema/auth-schema.js';
import type { AuthService } from '../../service/identity/auth-service.js';
import type { FastifyRequest } from 'fastify';
import type { Validated } from '../request-types.js';

export class AuthHandler {
  constructor(private readonly authService: AuthService) {}

  register = async (req: Validated<{ body: typeof registerBody }>) =>
    success(tokenView(await this.authService.register(req.body, req.ip)), 'registered');

  passwordLogin = async (req: Validated<{ body: typeof passwordLoginBody }>) =>
    success(tokenView(await this.authService.passwordLogin(req.body, req.ip)), 'logged in');

  logout = async (req: FastifyRequest) => {
    await this.authService.logout(currentAuth(req).claims);
    return successMessage('logged out');
  };
}
