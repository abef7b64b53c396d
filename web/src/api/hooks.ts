import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';

export const useAccount = () => useQuery({ queryKey: ['account'], queryFn: () => unwrap(api.GET('/account')) });
export const useWorkspaces = () => useQuery({ queryKey: ['workspaces'], queryFn: () => unwrap(api.GET('/workspaces')) });
export const useProviders = () => useQuery({ queryKey: ['llm-models'], queryFn: () => unwrap(api.GET('/llm-models')) });

/**
 * What the current member's role may do, from the workspace list (owner > admin > editor > normal).
 * While the list loads nothing is hidden yet: the server refuses what the role may not do anyway.
 */
export function useRole() {
  const { data } = useWorkspaces();
  const role = data?.find((w) => w.current)?.role;
  return {
    role,
    canBuild: role === undefined || (role !== 'normal' && role !== 'dataset_operator'),
    canManage: role === undefined || role === 'owner' || role === 'admin',
  };
}
