import type { WorkspaceHandler } from '../../handler/console/workspace-handler.js';
import { tokenResponse } from '../../schema/auth-schema.js';
import { messageEnvelope } from '../../schema/common-schema.js';
import {
  acceptBody,
  acceptResponse,
  activateBody,
  inviteBody,
  inviteResponse,
  memberListResponse,
  memberParams,
  memberResponse,
  roleBody,
  switchWorkspaceBody,
  transferBody,
  workspaceListResponse,
  workspaceNameBody,
  workspaceResponse,
} from '../../schema/workspace-schema.js';
import type { HttpServer } from '../../server/http.js';
import { Permission } from '../../service/identity/permissions.js';
import { route } from '../route-options.js';

export function registerWorkspaceRoutes(server: HttpServer, h: WorkspaceHandler): void {
  const tag = 'workspaces';
  server.get(
    '/workspaces',
    route('account', tag, 'Your workspaces, with your role and which is current', { response: { 200: workspaceListResponse } }),
    h.list,
  );
  server.post(
    '/workspaces',
    route('account', tag, 'Create a workspace you own; it becomes current', {
      body: workspaceNameBody,
      response: { 200: workspaceResponse },
    }),
    h.create,
  );
  server.post(
    '/workspaces/switch',
    route('account', tag, 'Act in another of your workspaces', { body: switchWorkspaceBody, response: { 200: workspaceResponse } }),
    h.switch,
  );
  server.get(
    '/workspaces/current',
    route(Permission.WorkspaceRead, tag, 'The current workspace', { response: { 200: workspaceResponse } }),
    h.current,
  );
  server.post(
    '/workspaces/current',
    route(Permission.WorkspaceManage, tag, 'Rename the current workspace', {
      body: workspaceNameBody,
      response: { 200: workspaceResponse },
    }),
    h.rename,
  );

  const members = 'members';
  server.get(
    '/workspaces/current/members',
    route(Permission.WorkspaceRead, members, "The current workspace's members", { response: { 200: memberListResponse } }),
    h.listMembers,
  );
  server.post(
    '/workspaces/current/members/invite',
    route(Permission.WorkspaceManage, members, 'Invite people by email; answers a single-use link for each', {
      body: inviteBody,
      response: { 200: inviteResponse },
    }),
    h.invite,
  );
  server.post(
    '/workspaces/current/members/:account_id/role',
    route(Permission.WorkspaceManage, members, "Change a member's role", {
      params: memberParams,
      body: roleBody,
      response: { 200: memberResponse },
    }),
    h.setRole,
  );
  server.post(
    '/workspaces/current/members/:account_id/delete',
    route(Permission.WorkspaceManage, members, 'Remove a member; their sessions lose the workspace at once', {
      params: memberParams,
      response: { 200: messageEnvelope },
    }),
    h.removeMember,
  );
  server.post(
    '/workspaces/current/leave',
    route(Permission.WorkspaceRead, members, 'Leave the current workspace (not as its owner); you move to another of yours', {
      response: { 200: messageEnvelope },
    }),
    h.leave,
  );
  server.post(
    '/workspaces/current/transfer-ownership',
    route(Permission.OwnershipTransfer, members, 'Make another member the owner; you become an admin', {
      body: transferBody,
      response: { 200: messageEnvelope },
    }),
    h.transferOwnership,
  );

  server.post(
    '/invitations/activate',
    route('public', members, 'Join through an invitation link as a new person: makes the account and signs in', {
      body: activateBody,
      response: { 200: tokenResponse },
    }),
    h.activate,
  );
  server.post(
    '/invitations/accept',
    route('account', members, 'Join through an invitation link sent to your email', {
      body: acceptBody,
      response: { 200: acceptResponse },
    }),
    h.accept,
  );
}
