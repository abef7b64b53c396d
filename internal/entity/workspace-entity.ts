/** A member's role in a workspace, as Dify names them. */
export const WorkspaceRole = {
  Owner: 'owner',
  Admin: 'admin',
  Editor: 'editor',
  Normal: 'normal',
  DatasetOperator: 'dataset_operator',
} as const;
export type WorkspaceRole = (typeof WorkspaceRole)[keyof typeof WorkspaceRole];
export const WORKSPACE_ROLES = Object.values(WorkspaceRole);
/** Roles an invitation or a role change may give: ownership only moves by transfer. */
export const ASSIGNABLE_ROLES = WORKSPACE_ROLES.filter((r) => r !== WorkspaceRole.Owner) as Exclude<WorkspaceRole, 'owner'>[];

/** Who in a workspace sees a dataset (owners and admins see them all). */
export const DatasetPermission = {
  OnlyMe: 'only_me',
  AllTeamMembers: 'all_team_members',
  PartialMembers: 'partial_members',
} as const;
export type DatasetPermission = (typeof DatasetPermission)[keyof typeof DatasetPermission];

export const WORKSPACE_NAME_MAX_LENGTH = 100;
export const INVITATION_TTL_HOURS = 72;
export const INVITE_MAX_EMAILS = 20;
