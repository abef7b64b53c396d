import { z } from 'zod';
import { ASSIGNABLE_ROLES, INVITE_MAX_EMAILS, WORKSPACE_NAME_MAX_LENGTH, WORKSPACE_ROLES } from '../entity/workspace-entity.js';
import { unixSeconds } from '../lib/time.js';
import type { InvitationResult, MemberView } from '../service/identity/member-service.js';
import type { WorkspaceListItem } from '../service/identity/workspace-service.js';
import { accountName, email, password } from './auth-schema.js';
import { envelope, trimmed, unixTime } from './common-schema.js';

const uuid = z.uuid('must be a UUID');
const assignableRole = z.enum(ASSIGNABLE_ROLES, { error: `must be one of: ${ASSIGNABLE_ROLES.join(', ')}` });

export const workspaceNameBody = z.object({ name: trimmed(1, WORKSPACE_NAME_MAX_LENGTH) });
export const switchWorkspaceBody = z.object({ workspace_id: uuid });
export const memberParams = z.object({ account_id: uuid });
export const inviteBody = z.object({
  emails: z.array(email).min(1, 'must list at least one email').max(INVITE_MAX_EMAILS, `must list at most ${INVITE_MAX_EMAILS} emails`),
  role: assignableRole,
});
export const roleBody = z.object({ role: assignableRole });
export const transferBody = z.object({ account_id: uuid });
const invitationToken = z.string().min(16, 'is not an invitation token').max(128, 'is not an invitation token');
export const activateBody = z.object({ token: invitationToken, name: accountName, password });
export const acceptBody = z.object({ token: invitationToken });

const role = z.enum(WORKSPACE_ROLES);
export const workspaceItem = z.object({ id: z.uuid(), name: z.string(), role, current: z.boolean(), created_at: unixTime });
export const workspaceResponse = envelope(workspaceItem);
export const workspaceListResponse = envelope(z.array(workspaceItem));

export const memberItem = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string(),
  avatar: z.string(),
  role,
  status: z.literal('active'),
  last_active_at: unixTime.nullable().describe('the last sign-in'),
  created_at: unixTime,
});
export const memberResponse = envelope(memberItem);
export const memberListResponse = envelope(z.object({ list: z.array(memberItem) }));
export const inviteResponse = envelope(
  z.object({
    invitations: z.array(
      z.object({
        email: z.string(),
        status: z.enum(['invited', 'already_member']),
        url: z.string().nullable().describe('the single-use link to pass on'),
        mail: z.enum(['sent', 'failed', 'off']).describe('whether the link was mailed too (off: no SMTP_URL)'),
      }),
    ),
  }),
);
export const acceptResponse = envelope(z.object({ workspace_id: z.uuid(), role }));

export function workspaceView(item: WorkspaceListItem): z.infer<typeof workspaceItem> {
  return {
    id: item.workspace.id,
    name: item.workspace.name,
    role: item.role,
    current: item.current,
    created_at: unixSeconds(item.workspace.createdAt),
  };
}

export function memberView(member: MemberView): z.infer<typeof memberItem> {
  const { account } = member;
  return {
    id: account.id,
    name: account.name,
    email: account.email,
    avatar: account.avatar,
    role: member.role,
    status: 'active',
    last_active_at: account.lastLoginAt ? unixSeconds(account.lastLoginAt) : null,
    created_at: unixSeconds(account.createdAt),
  };
}

export function invitationView(result: InvitationResult) {
  return { email: result.email, status: result.status, url: result.url, mail: result.mail };
}
