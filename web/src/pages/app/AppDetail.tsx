import { lazy, Suspense } from 'react';
import { useQuery } from '@tanstack/react-query';
import { App, Breadcrumb, Button, Flex, Result, Skeleton, Tabs, Tag, Typography } from 'antd';
import { ExportOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { PageState } from '../../components/PageState';
import { useRole } from '../../api/hooks';

const AppEditor = lazy(() => import('./AppEditor'));
const PublishPanel = lazy(() => import('./PublishPanel'));
const LogsPanel = lazy(() => import('./LogsPanel'));
const WorkflowEditor = lazy(() => import('./WorkflowEditor'));

export default function AppDetail() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { canBuild } = useRole();
  const { message } = App.useApp();
  const params = useParams();
  const appId = params.appId ?? '';

  const tab = params.tab ?? 'configure';
  const app = useQuery({
    queryKey: ['app', appId],
    queryFn: () => unwrap(api.GET('/apps/{app_id}', { params: { path: { app_id: appId } } })),
  });
  const graph = app.data?.mode === 'workflow' || app.data?.mode === 'advanced-chat';

  /** Saves the draft as a Dify DSL file (YAML) through the browser's download. */
  const exportDsl = async () => {
    try {
      const yaml = await unwrap(api.GET('/apps/{app_id}/export', { params: { path: { app_id: appId }, query: {} } }));
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([yaml], { type: 'application/yaml' }));
      link.download = `${app.data?.name ?? 'app'}.yml`;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (err) {
      message.error((err as Error).message);
    }
  };
  // Building, publishing and logs are for owners, admins and editors; a member uses published apps by their link.
  if (!canBuild)
    return (
      <Result
        status="403"
        title={t('app.memberOnly')}
        extra={
          app.data?.web_app_token && (
            <Button type="primary" href={`/chat/${app.data.web_app_token}`}>
              {t('publish.open')}
            </Button>
          )
        }
      />
    );
  return (
    <PageState query={app}>
      {app.data && (
        <>
          <Breadcrumb items={[{ title: <Link to="/studio">{t('shell.studio')}</Link> }, { title: app.data.name }]} />
          <Flex align="center" gap={8} style={{ margin: '8px 0' }}>
            <span style={{ fontSize: 28 }}>{app.data.icon.startsWith('http') ? '🖼️' : app.data.icon}</span>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {app.data.name}
            </Typography.Title>
            <Tag>{t(`apps.modes.${app.data.mode}`)}</Tag>
            {app.data.status === 'published' && <Tag color="green">{t('apps.published')}</Tag>}
            <Button
              size="small"
              icon={<ExportOutlined />}
              onClick={() => void exportDsl()}
              style={{ marginLeft: 'auto' }}
              data-testid="export-dsl"
            >
              {t('apps.exportDsl')}
            </Button>
          </Flex>
          <Tabs
            activeKey={tab}
            onChange={(key) => navigate(`/app/${appId}/${key}`)}
            items={[
              { key: 'configure', label: t('app.configure') },
              { key: 'publish', label: t('app.publish') },
              { key: 'logs', label: t('app.logs') },
            ]}
          />
          <Suspense fallback={<Skeleton active />}>
            {tab === 'configure' && (graph ? <WorkflowEditor app={app.data} /> : <AppEditor app={app.data} />)}
            {tab === 'publish' && <PublishPanel app={app.data} />}
            {tab === 'logs' && <LogsPanel app={app.data} />}
          </Suspense>
        </>
      )}
    </PageState>
  );
}
