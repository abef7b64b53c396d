import { useState } from 'react';
import { DeleteButton } from '../../components/DeleteButton';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Input, Modal, Space, Table, Tabs, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { formatTime } from '../../components/format';

function snippets(base: string, key: string, workflow: boolean) {
  // A workflow app runs with /v1/workflows/run; the chat modes answer /v1/chat-messages.
  const path = workflow ? '/v1/workflows/run' : '/v1/chat-messages';
  const query = workflow ? '' : '"query": "Hello", ';
  const pyQuery = workflow ? '' : '"query": "Hello", ';
  const jsQuery = workflow ? '' : "query: 'Hello', ";
  const read = workflow ? '["data"]["outputs"]' : '["answer"]';
  const jsRead = workflow ? '.data.outputs' : '.answer';
  return {
    curl: `curl -N -X POST '${base}${path}' \\\n  -H 'Authorization: Bearer ${key}' \\\n  -H 'Content-Type: application/json' \\\n  -d '{"inputs": {}, ${query}"response_mode": "streaming", "user": "user-1"}'`,
    python: `import requests\n\nresponse = requests.post(\n    "${base}${path}",\n    headers={"Authorization": "Bearer ${key}"},\n    json={"inputs": {}, ${pyQuery}"response_mode": "blocking", "user": "user-1"},\n)\nprint(response.json()${read})`,
    javascript: `const response = await fetch('${base}${path}', {\n  method: 'POST',\n  headers: { Authorization: 'Bearer ${key}', 'Content-Type': 'application/json' },\n  body: JSON.stringify({ inputs: {}, ${jsQuery}response_mode: 'blocking', user: 'user-1' }),\n});\nconsole.log((await response.json())${jsRead});`,
  };
}

/** Code that calls the app with a key; shown with the new key, and with a placeholder otherwise. */
export function Snippets({ apiKey, workflow }: { apiKey: string; workflow: boolean }) {
  const code = snippets(window.location.origin, apiKey, workflow);
  return (
    <Tabs
      size="small"
      items={(['curl', 'python', 'javascript'] as const).map((lang) => ({
        key: lang,
        label: lang === 'curl' ? 'cURL' : lang === 'python' ? 'Python' : 'JavaScript',
        children: (
          <Typography.Paragraph copyable={{ text: code[lang] }}>
            <pre style={{ margin: 0, overflowX: 'auto', fontSize: 12 }}>{code[lang]}</pre>
          </Typography.Paragraph>
        ),
      }))}
    />
  );
}

export function ApiKeys({ appId, workflow }: { appId: string; workflow: boolean }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<string | null>(null);
  const [remark, setRemark] = useState('');
  const keys = useQuery({
    queryKey: ['api-keys', appId],
    queryFn: () => unwrap(api.GET('/apps/{app_id}/api-keys', { params: { path: { app_id: appId } } })),
  });
  const create = async () => {
    try {
      const key = await unwrap(api.POST('/apps/{app_id}/api-keys', { params: { path: { app_id: appId } }, body: { remark } }));
      setCreated(key.key);
      setRemark('');
      await queryClient.invalidateQueries({ queryKey: ['api-keys', appId] });
    } catch (err) {
      message.error((err as Error).message);
    }
  };
  const revoke = (id: string) =>
    modal.confirm({
      title: t('publish.revokeTitle'),
      content: t('publish.revokeBody'),
      okButtonProps: { danger: true },
      okText: t('publish.revoke'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        await unwrap(api.POST('/apps/{app_id}/api-keys/{key_id}/delete', { params: { path: { app_id: appId, key_id: id } } })).catch(
          (err: Error) => message.error(err.message),
        );
        await queryClient.invalidateQueries({ queryKey: ['api-keys', appId] });
      },
    });
  return (
    <Card title={t('publish.apiKeys')} size="small" style={{ marginBottom: 16 }}>
      <Space.Compact style={{ width: '100%', maxWidth: 480, marginBottom: 12 }}>
        <Input
          placeholder={t('publish.remark')}
          value={remark}
          onChange={(e) => setRemark(e.target.value)}
          onPressEnter={() => void create()}
        />
        <Button type="primary" icon={<PlusOutlined />} onClick={() => void create()} data-testid="create-api-key">
          {t('publish.createKey')}
        </Button>
      </Space.Compact>
      <Table
        size="small"
        rowKey="id"
        loading={keys.isPending}
        dataSource={keys.data ?? []}
        pagination={false}
        locale={{ emptyText: t('publish.noKeys') }}
        columns={[
          { title: t('publish.key'), dataIndex: 'key', render: (k: string) => <Typography.Text code>{k}</Typography.Text> },
          { title: t('publish.remark'), dataIndex: 'remark' },
          {
            title: t('publish.lastUsed'),
            dataIndex: 'last_used_at',
            render: (v: number | null) => (v ? formatTime(v) : t('publish.never')),
          },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: formatTime },
          {
            key: 'actions',
            render: (_, row) => <DeleteButton label={t('publish.revoke')} onClick={() => revoke(row.id)} />,
          },
        ]}
      />
      <Modal
        open={created !== null}
        title={t('publish.keyCreated')}
        onCancel={() => setCreated(null)}
        onOk={() => setCreated(null)}
        width={720}
        cancelButtonProps={{ style: { display: 'none' } }}
      >
        <Alert type="warning" showIcon title={t('publish.keyOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable code data-testid="new-api-key">
          {created}
        </Typography.Paragraph>
        {created && <Snippets apiKey={created} workflow={workflow} />}
      </Modal>
    </Card>
  );
}
