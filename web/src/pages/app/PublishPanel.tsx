import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Space, Table, Typography } from 'antd';
import { CloudUploadOutlined, LinkOutlined, RollbackOutlined, SyncOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useRole } from '../../api/hooks';
import type { AppItem } from '../../api/types';
import { formatTime } from '../../components/format';
import { ApiKeys } from './ApiKeys';

export default function PublishPanel({ app }: { app: AppItem }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const { canBuild } = useRole();
  const path = { app_id: app.id };
  const history = useQuery({
    queryKey: ['publish-history', app.id],
    queryFn: () => unwrap(api.GET('/apps/{app_id}/publish-histories', { params: { path, query: { current_page: 1, page_size: 20 } } })),
  });
  const refresh = async () => {
    await Promise.all(['app', 'publish-history', 'draft', 'apps'].map((k) => queryClient.invalidateQueries({ queryKey: [k] })));
  };
  const act = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      message.success(done);
      await refresh();
    } catch (err) {
      message.error((err as Error).message);
    }
  };
  const webUrl = app.web_app_token ? `${window.location.origin}/chat/${app.web_app_token}` : null;

  return (
    <>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex justify="space-between" align="center" wrap gap={12}>
          <Typography.Text>{app.status === 'published' ? t('publish.isPublished') : t('publish.isDraft')}</Typography.Text>
          <Space wrap>
            {app.status === 'published' && canBuild && (
              <Button
                onClick={() =>
                  modal.confirm({
                    title: t('publish.unpublishTitle'),
                    content: t('publish.unpublishBody'),
                    okText: t('publish.unpublish'),
                    cancelText: t('common.cancel'),
                    onOk: () =>
                      act(() => unwrap(api.POST('/apps/{app_id}/cancel-publish', { params: { path } })), t('publish.unpublished')),
                  })
                }
              >
                {t('publish.unpublish')}
              </Button>
            )}
            {canBuild && (
              <Button
                type="primary"
                icon={<CloudUploadOutlined />}
                data-testid="publish"
                onClick={() => void act(() => unwrap(api.POST('/apps/{app_id}/publish', { params: { path } })), t('publish.published'))}
              >
                {t('publish.publish')}
              </Button>
            )}
          </Space>
        </Flex>
      </Card>
      {webUrl && (
        <Card title={t('publish.webApp')} size="small" style={{ marginBottom: 16 }}>
          <Flex gap={8} align="center" wrap>
            <Typography.Text copyable={{ text: webUrl }} data-testid="web-app-url">
              {webUrl}
            </Typography.Text>
            <Button icon={<LinkOutlined />} href={webUrl} target="_blank">
              {t('publish.open')}
            </Button>
            {canBuild && (
              <Button
                icon={<SyncOutlined />}
                onClick={() =>
                  modal.confirm({
                    title: t('publish.regenerateTitle'),
                    content: t('publish.regenerateBody'),
                    okText: t('publish.regenerate'),
                    cancelText: t('common.cancel'),
                    onOk: () =>
                      act(
                        () => unwrap(api.POST('/apps/{app_id}/regenerate-web-app-token', { params: { path } })),
                        t('publish.regenerated'),
                      ),
                  })
                }
              >
                {t('publish.regenerate')}
              </Button>
            )}
          </Flex>
        </Card>
      )}
      <ApiKeys appId={app.id} workflow={app.mode === 'workflow'} />
      <Card title={t('publish.history')} size="small">
        <Table
          size="small"
          rowKey="id"
          loading={history.isPending}
          dataSource={history.data?.list ?? []}
          pagination={false}
          locale={{ emptyText: t('publish.noHistory') }}
          columns={[
            { title: t('publish.version'), dataIndex: 'version', render: (v: number) => `v${v}` },
            { title: t('publish.publishedAt'), dataIndex: 'created_at', render: formatTime },
            {
              key: 'actions',
              render: (_, row) =>
                canBuild && (
                  <Button
                    size="small"
                    icon={<RollbackOutlined />}
                    onClick={() =>
                      modal.confirm({
                        title: t('publish.fallbackTitle', { version: row.version }),
                        content: t('publish.fallbackBody'),
                        okText: t('publish.fallback'),
                        cancelText: t('common.cancel'),
                        onOk: () =>
                          act(
                            () =>
                              unwrap(
                                api.POST('/apps/{app_id}/fallback-history', { params: { path }, body: { app_config_version_id: row.id } }),
                              ),
                            t('publish.fellBack', { version: row.version }),
                          ),
                      })
                    }
                  >
                    {t('publish.fallback')}
                  </Button>
                ),
            },
          ]}
        />
      </Card>
    </>
  );
}
