import type { FastifyRequest } from 'fastify';
import { success } from '../../../pkg/response/response.js';
import { currentAuth } from '../../middleware/auth.js';
import { accountView, type updateAvatarBody, type updateNameBody, type updatePasswordBody } from '../../schema/account-schema.js';
import { tokenView } from '../../schema/auth-schema.js';
import type { AccountService } from '../../service/identity/account-service.js';
import type { Validated } from '../request-types.js';

export class AccountHandler {
  constructor(private readonly accountService: AccountService) {}

  getAccount = async (req: FastifyRequest) => success(accountView(currentAuth(req).account));

  updateName = async (req: Validated<{ body: typeof updateNameBody }>) =>
    success(accountView(await this.accountService.updateName(currentAuth(req).account.id, req.body.name)), 'name updated');

  updateAvatar = async (req: Validated<{ body: typeof updateAvatarBody }>) =>
    success(accountView(await this.accountService.updateAvatar(currentAuth(req).account.id, req.body.avatar)), 'avatar updated');

  updatePassword = async (req: Validated<{ body: typeof updatePasswordBody }>) => {
    const token = await this.accountService.updatePassword(currentAuth(req).account, req.body.old_password, req.body.new_password);
    return success(tokenView(token), 'password updated; other sessions are signed out');
  };
}
