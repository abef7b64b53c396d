import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Col, Drawer, Empty, Flex, Row, Segmented, Statistic, Table, Tag, Typography } from 'antd';
import { DislikeOutlined, LikeOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import type { AppItem } from '../../api/types';
import { formatTime } from '../../components/format';
import { PageState } from '../../components/PageState';
import { tablePaging } from '../../components/CardGrid';
import { TrendChart } from '../../components/TrendChart';
import { Markdown } from '../../chat/Markdown';

const METRICS = ['total_messages', 'active_end_users', 'average_messages_per_conversation', 'output_tokens_per_second', 'cost'] as const;
const SOURCES = ['all', 'service_api', 'web_app', 'debugger', 'mcp'] as const;

function Messages({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const messages = useQuery({
    queryKey: ['messages', conversationId],
    queryFn: () =>
      unwrap(
        api.GET('/conversations/{conversation_id}/messages', {
          params: { path: { conversation_id: conversationId }, query: { limit: 100 } },
        }),
      ),
  });
  return (
    <PageState query={messages}>
      <Flex vertical gap={16}>
        {[...(messages.data?.list ?? [])].reverse().map((m) => (
          <Card
            key={m.id}
            size="small"
            title={<Typography.Text>{m.query}</Typography.Text>}
            extra={
              <>
                {m.feedback && (
                  <Tag color={m.feedback.rating === 'like' ? 'green' : 'red'} title={m.feedback.content || undefined}>
                    {m.feedback.rating === 'like' ? <LikeOutlined /> : <DislikeOutlined />} {t(`logs.${m.feedback.rating}`)}
                  </Tag>
                )}
                <Tag>{m.status}</Tag>
              </>
            }
          >
            {m.answer ? <Markdown text={m.answer} /> : <Typography.Text type="danger">{m.error}</Typography.Text>}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatTime(m.created_at)} · {m.model} · {t('chat.usage', { tokens: m.total_tokens, latency: m.latency.toFixed(2) })}
            </Typography.Text>
          </Card>
        ))}
      </Flex>
    </PageState>
  );
}

export default function LogsPanel({ app }: { app: AppItem }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const [source, setSource] = useState<(typeof SOURCES)[number]>('all');
  const [open, setOpen] = useState<string | null>(null);
  const analysis = useQuery({
    queryKey: ['analysis', app.id],
    queryFn: () => unwrap(api.GET('/analysis/{app_id}', { params: { path: { app_id: app.id } } })),
  });
  const logs = useQuery({
    queryKey: ['logs', app.id, page, source],
    queryFn: () =>
      unwrap(
        api.GET('/apps/{app_id}/logs', {
          params: {
            path: { app_id: app.id },
            query: { current_page: page, page_size: 20, invoke_from: source === 'all' ? undefined : source },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageState query={analysis}>
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          {METRICS.map((metric) => {
            const m = analysis.data?.[metric];
            return (
              <Col key={metric} xs={24} md={12} xl={8}>
                <Card size="small" data-testid={`metric-${metric}`}>
                  <Statistic
                    title={t(`logs.metrics.${metric}`)}
                    value={m?.current ?? 0}
                    precision={metric === 'cost' ? 4 : Number.isInteger(m?.current) ? 0 : 2}
                  />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('logs.previous', { value: m?.previous ?? 0 })}
                  </Typography.Text>
                  <TrendChart points={m?.trend ?? []} />
                </Card>
              </Col>
            );
          })}
        </Row>
      </PageState>
      <Card
        title={t('logs.conversations')}
        size="small"
        extra={
          <Segmented
            size="small"
            value={source}
            onChange={(v) => {
              setSource(v);
              setPage(1);
            }}
            options={SOURCES.map((s) => ({ value: s, label: t(`logs.sources.${s}`) }))}
          />
        }
      >
        <Table
          size="small"
          rowKey="id"
          loading={logs.isFetching}
          dataSource={logs.data?.list ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('logs.empty')} /> }}
          onRow={(row) => ({ onClick: () => setOpen(row.id), style: { cursor: 'pointer' } })}
          pagination={tablePaging(page, logs.data?.paginator.total_record, setPage)}
          columns={[
            { title: t('logs.name'), dataIndex: 'name', render: (v: string) => v || t('logs.untitled') },
            { title: t('logs.user'), dataIndex: 'end_user' },
            {
              title: t('logs.source'),
              dataIndex: 'invoke_from',
              render: (v: string) => <Tag>{t(`logs.sources.${v}`, { defaultValue: v })}</Tag>,
            },
            { title: t('logs.messages'), dataIndex: 'message_count' },
            { title: t('logs.updated'), dataIndex: 'updated_at', render: formatTime },
          ]}
        />
      </Card>
      <Drawer
        open={open !== null}
        onClose={() => setOpen(null)}
        size={Math.min(720, window.innerWidth)}
        title={t('logs.conversation')}
        destroyOnHidden
      >
        {open && <Messages conversationId={open} />}
      </Drawer>
    </>
  );
}
