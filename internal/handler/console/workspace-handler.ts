import type { FastifyRequest } from 'fastify';
import { success, successMessage } from '../../../pkg/response/response.js';
import { currentActor, currentAuth } from '../../middleware/auth.js';
import { tokenView } from '../../schema/auth-schema.js';
import {
  invitationView,
  memberView,
  workspaceView,
  type acceptBody,
  type activateBody,
  type inviteBody,
  type memberParams,
  type roleBody,
  type switchWorkspaceBody,
  type transferBody,
  type workspaceNameBody,
} from '../../schema/workspace-schema.js';
import type { MemberService } from '../../service/identity/member-service.js';
import type { WorkspaceService } from '../../service/identity/workspace-service.js';
import type { Validated } from '../request-types.js';

export class WorkspaceHandler {
  constructor(
    private readonly workspaces: WorkspaceService,
    private readonly members: MemberService,
    private readonly publicUrl: string,
  ) {}

  list = async (req: FastifyRequest) => success((await this.workspaces.list(currentAuth(req).account.id)).map(workspaceView));

  create = async (req: Validated<{ body: typeof workspaceNameBody }>) =>
    success(workspaceView(await this.workspaces.create(currentAuth(req).account.id, req.body.name)), 'workspace created');

  switch = async (req: Validated<{ body: typeof switchWorkspaceBody }>) =>
    success(workspaceView(await this.workspaces.switch(currentAuth(req).account.id, req.body.workspace_id)), 'workspace switched');

  current = async (req: FastifyRequest) => success(workspaceView(await this.workspaces.current(currentActor(req))));

  rename = async (req: Validated<{ body: typeof workspaceNameBody }>) =>
    success(workspaceView(await this.workspaces.rename(currentActor(req), req.body.name)), 'workspace renamed');

  listMembers = async (req: FastifyRequest) => success({ list: (await this.members.list(currentActor(req))).map(memberView) });

  invite = async (req: Validated<{ body: typeof inviteBody }>) => {
    // The console's activation page reads the token from the link.
    const origin = this.publicUrl.replace(/\/+$/, '') || `${req.protocol}://${req.host}`;
    const results = await this.members.invite(currentActor(req), req.body.emails, req.body.role, origin);
    return success({ invitations: results.map(invitationView) });
  };

  setRole = async (req: Validated<{ params: typeof memberParams; body: typeof roleBody }>) =>
    success(memberView(await this.members.setRole(currentActor(req), req.params.account_id, req.body.role)), 'role changed');

  removeMember = async (req: Validated<{ params: typeof memberParams }>) => {
    await this.members.remove(currentActor(req), req.params.account_id);
    return successMessage('member removed');
  };

  leave = async (req: FastifyRequest) => {
    await this.members.leave(currentActor(req));
    return successMessage('left the workspace');
  };

  transferOwnership = async (req: Validated<{ body: typeof transferBody }>) => {
    await this.members.transferOwnership(currentActor(req), req.body.account_id);
    return successMessage('ownership transferred');
  };

  activate = async (req: Validated<{ body: typeof activateBody }>) =>
    success(tokenView(await this.members.activate(req.body, req.ip)), 'invitation accepted');

  accept = async (req: Validated<{ body: typeof acceptBody }>) => {
    const joined = await this.members.accept(currentAuth(req).account, req.body.token);
    return success({ workspace_id: joined.workspaceId, role: joined.role }, 'invitation accepted');
  };
}
