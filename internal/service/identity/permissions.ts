import { ForbiddenError } from '../../exception/app-error.js';
import { WorkspaceRole } from '../../entity/workspace-entity.js';

/** Who is acting, where, and as what: what every workspace-scoped service call is checked against. */
export interface Actor {
  accountId: string;
  workspaceId: string;
  role: WorkspaceRole;
}

/** What a console route does, as far as roles are concerned. */
export const Permission = {
  /** See the workspace, its members and its name. */
  WorkspaceRead: 'workspace.read',
  /** Rename the workspace, invite, change roles, remove members. */
  WorkspaceManage: 'workspace.manage',
  /** Hand the workspace to another member. */
  OwnershipTransfer: 'ownership.transfer',
  /** See which providers and models are set up (to pick one for an app or a dataset). */
  ModelsRead: 'models.read',
  /** Set provider keys and endpoints. */
  ProvidersManage: 'providers.manage',
  /** See the workspace's apps (a normal member sees the published ones). */
  AppsRead: 'apps.read',
  /** Create, edit, debug, publish and delete apps, their keys and links. */
  AppsBuild: 'apps.build',
  /** Read apps' conversations, messages, logs and analytics. */
  AppsLogs: 'apps.logs',
  /** Create and change datasets and their documents; test retrieval. */
  DatasetsManage: 'datasets.manage',
  /** Upload files (for datasets and for debugging apps). */
  FilesUpload: 'files.upload',
} as const;
export type Permission = (typeof Permission)[keyof typeof Permission];

const { Owner, Admin, Editor, Normal, DatasetOperator } = WorkspaceRole;

/** The one table of who may do what. */
const ROLES_FOR: Record<Permission, readonly WorkspaceRole[]> = {
  [Permission.WorkspaceRead]: [Owner, Admin, Editor, Normal, DatasetOperator],
  [Permission.WorkspaceManage]: [Owner, Admin],
  [Permission.OwnershipTransfer]: [Owner],
  [Permission.ModelsRead]: [Owner, Admin, Editor, DatasetOperator],
  [Permission.ProvidersManage]: [Owner, Admin],
  [Permission.AppsRead]: [Owner, Admin, Editor, Normal],
  [Permission.AppsBuild]: [Owner, Admin, Editor],
  [Permission.AppsLogs]: [Owner, Admin, Editor],
  [Permission.DatasetsManage]: [Owner, Admin, Editor, DatasetOperator],
  [Permission.FilesUpload]: [Owner, Admin, Editor, DatasetOperator],
};

export function allows(role: WorkspaceRole, permission: Permission): boolean {
  return ROLES_FOR[permission].includes(role);
}

export function rolesFor(permission: Permission): readonly WorkspaceRole[] {
  return ROLES_FOR[permission];
}

/** Throws `forbidden`, naming the roles that may, unless the actor's role may. */
export function requirePermission(actor: Pick<Actor, 'role'>, permission: Permission): void {
  if (allows(actor.role, permission)) return;
  throw new ForbiddenError(
    `your role in this workspace (${actor.role}) may not do this; it needs one of: ${ROLES_FOR[permission].join(', ')}`,
  );
}
