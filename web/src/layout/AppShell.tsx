import { lazy, Suspense, useState } from 'react';
import {
  AppstoreOutlined,
  BookOutlined,
  LogoutOutlined,
  PlusOutlined,
  SettingOutlined,
  SwapOutlined,
  TeamOutlined,
  ToolOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Dropdown, Layout, Menu, Space, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import { useAccount, useWorkspaces } from '../api/hooks';
import { session } from '../api/session';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { ThemeSwitch } from '../components/ThemeSwitch';
import { AccountAvatar } from '../components/AccountAvatar';

const NewWorkspaceModal = lazy(() => import('./NewWorkspaceModal'));

export default function AppShell() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const { token } = theme.useToken();
  const account = useAccount();
  const workspaces = useWorkspaces();
  const current = workspaces.data?.find((w) => w.current);
  // Account and members hang off the avatar menu: no tab is lit for them.
  const path = location.pathname;
  const lit = path.startsWith('/settings/models')
    ? ['settings']
    : path.startsWith('/knowledge')
      ? ['knowledge']
      : path.startsWith('/tools')
        ? ['tools']
        : path.startsWith('/studio') || path.startsWith('/app/')
          ? ['studio']
          : [];

  const signOut = async () => {
    await api.POST('/auth/logout').catch(() => undefined);
    session.signOut();
    queryClient.clear();
    void navigate('/signin');
  };
  const [creating, setCreating] = useState(false);
  const switchTo = async (workspaceId: string) => {
    try {
      await unwrap(api.POST('/workspaces/switch', { body: { workspace_id: workspaceId } }));
      queryClient.clear();
      void navigate('/studio');
    } catch (err) {
      message.error((err as Error).message);
    }
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 16,
          background: token.colorBgContainer,
          borderBottom: `1px solid ${token.colorBorderSecondary}`,
          padding: '0 16px',
          position: 'sticky',
          top: 0,
          zIndex: 10,
        }}
      >
        <Link to="/studio">
          <span style={{ fontSize: 20, fontWeight: 600, whiteSpace: 'nowrap', color: token.colorText }}>LLMOps</span>
        </Link>
        <Menu
          mode="horizontal"
          selectedKeys={lit}
          style={{ flex: 1, minWidth: 0, borderBottom: 'none', background: 'transparent' }}
          items={[
            { key: 'studio', icon: <AppstoreOutlined />, label: <Link to="/studio">{t('shell.studio')}</Link> },
            { key: 'knowledge', icon: <BookOutlined />, label: <Link to="/knowledge">{t('shell.knowledge')}</Link> },
            { key: 'tools', icon: <ToolOutlined />, label: <Link to="/tools">{t('shell.tools')}</Link> },
            { key: 'settings', icon: <SettingOutlined />, label: <Link to="/settings/models">{t('shell.models')}</Link> },
          ]}
        />
        <Space size={4}>
          <Dropdown
            menu={{
              items: [
                ...(workspaces.data ?? []).map((w) => ({ key: w.id, label: `${w.name} · ${t(`roles.${w.role}`)}`, disabled: w.current })),
                { type: 'divider' as const },
                { key: 'new', icon: <PlusOutlined />, label: t('shell.newWorkspace') },
              ],
              onClick: ({ key }) => (key === 'new' ? setCreating(true) : void switchTo(key)),
            }}
          >
            <span style={{ cursor: 'pointer', color: token.colorText }} data-testid="workspace-switcher">
              <SwapOutlined /> {current?.name ?? '…'}
            </span>
          </Dropdown>
          <LanguageSwitch />
          <ThemeSwitch />
          <Dropdown
            menu={{
              items: [
                { key: 'account', icon: <UserOutlined />, label: <Link to="/settings/account">{t('shell.account')}</Link> },
                { key: 'members', icon: <TeamOutlined />, label: <Link to="/settings/members">{t('shell.members')}</Link> },
                { type: 'divider' },
                { key: 'logout', icon: <LogoutOutlined />, label: t('shell.signOut'), onClick: () => void signOut() },
              ],
            }}
          >
            <span style={{ cursor: 'pointer' }} data-testid="account-menu">
              <AccountAvatar account={account.data} />
            </span>
          </Dropdown>
        </Space>
      </Layout.Header>
      {creating && (
        <Suspense>
          <NewWorkspaceModal
            onClose={() => setCreating(false)}
            onCreated={(id) => {
              setCreating(false);
              void switchTo(id);
            }}
          />
        </Suspense>
      )}
      <Layout.Content style={{ padding: 24, maxWidth: 1400, width: '100%', margin: '0 auto' }}>
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}
