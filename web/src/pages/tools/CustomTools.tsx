import { useState } from 'react';
import { DeleteButton } from '../../components/DeleteButton';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Form, Input, Modal, Tag, Typography } from 'antd';
import { PlusOutlined, SyncOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { FormFooter } from '../../components/FormFooter';
import { api, unwrap } from '../../api/client';
import { useAction, useConfirmDelete, useDialogSubmit } from '../../components/actions';
import { PageState } from '../../components/PageState';
import { CardGrid } from '../../components/CardGrid';
import { HeaderList } from './HeaderList';
import { httpUrlRule } from '../../components/url-rule';

type Kind = 'api' | 'mcp';

function AddModal({ kind, onClose }: { kind: Kind; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { busy, error, run } = useDialogSubmit();
  const [preview, setPreview] = useState<string[] | null>(null);
  const [form] = Form.useForm();
  const validate = () =>
    run(
      async () => {
        const { tools } = await unwrap(
          api.POST('/api-tools/validate-openapi-schema', { body: { openapi_schema: form.getFieldValue('openapi_schema') ?? '' } }),
        );
        setPreview(tools.map((tool) => `${tool.method.toUpperCase()} ${tool.name}`));
      },
      { quiet: true },
    );
  const save = (values: { name: string; openapi_schema?: string; server_url?: string; headers?: Array<{ key: string; value: string }> }) =>
    run(async () => {
      const headers = values.headers ?? [];
      if (kind === 'api')
        await unwrap(api.POST('/api-tools', { body: { name: values.name, openapi_schema: values.openapi_schema ?? '', headers } }));
      else await unwrap(api.POST('/mcp-servers', { body: { name: values.name, server_url: values.server_url ?? '', headers } }));
      await queryClient.invalidateQueries({ queryKey: ['tools', kind] });
      onClose();
    });
  return (
    <Modal open title={t(kind === 'api' ? 'tools.addApi' : 'tools.addMcp')} onCancel={onClose} footer={null} width={720} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={save}>
        <Form.Item name="name" label={t('tools.name')} rules={[{ required: true, whitespace: true, message: t('tools.nameRequired') }]}>
          <Input />
        </Form.Item>
        {kind === 'api' ? (
          <>
            <Form.Item
              name="openapi_schema"
              label={t('tools.schema')}
              extra={t('tools.schemaHint')}
              rules={[{ required: true, message: t('tools.schemaRequired') }]}
            >
              <Input.TextArea
                autoSize={{ minRows: 8, maxRows: 20 }}
                spellCheck={false}
                style={{ fontFamily: 'ui-monospace, monospace', fontSize: 12 }}
              />
            </Form.Item>
            <div style={{ marginBottom: 12 }}>
              <Button icon={<SyncOutlined />} onClick={() => void validate()}>
                {t('tools.validate')}
              </Button>
            </div>
            {preview && (
              <Flex gap={4} wrap style={{ marginBottom: 12 }}>
                {preview.map((name) => (
                  <Tag key={name}>{name}</Tag>
                ))}
              </Flex>
            )}
          </>
        ) : (
          <Form.Item name="server_url" label={t('tools.serverUrl')} rules={[httpUrlRule(t('models.baseUrlInvalid'), true)]}>
            <Input placeholder="https://example.com/mcp" />
          </Form.Item>
        )}
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {t('tools.headers')}
        </Typography.Paragraph>
        <HeaderList />
        <FormFooter onCancel={onClose} busy={busy} />
      </Form>
    </Modal>
  );
}

/** The workspace's OpenAPI tool providers or MCP servers: list, add, refresh (MCP), delete. */
export function CustomTools({ kind }: { kind: Kind }) {
  const { t } = useTranslation();
  const [adding, setAdding] = useState(false);
  const providers = useQuery({
    queryKey: ['tools', kind],
    // One shape for both lists: a provider, where it is, and its tools.
    queryFn: async (): Promise<Array<{ id: string; name: string; detail: string; tools: Array<{ name: string; description: string }> }>> =>
      kind === 'api'
        ? (await unwrap(api.GET('/api-tools', { params: { query: { current_page: 1, page_size: 100 } } }))).list.map((p) => ({
            ...p,
            detail: '',
          }))
        : (await unwrap(api.GET('/mcp-servers'))).map((p) => ({ ...p, detail: p.server_url })),
  });
  const action = useAction();
  const run = (work: () => Promise<unknown>) => action(work, { refresh: [['tools', kind]] });
  const confirmDelete = useConfirmDelete();
  const remove = (id: string, name: string) =>
    confirmDelete(
      t('tools.deleteTitle', { name }),
      () =>
        run(() =>
          kind === 'api'
            ? unwrap(api.POST('/api-tools/{provider_id}/delete', { params: { path: { provider_id: id } } }))
            : unwrap(api.POST('/mcp-servers/{id}/delete', { params: { path: { id } } })),
        ),
      { content: t('tools.deleteBody') },
    );

  return (
    <PageState query={providers}>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} style={{ marginBottom: 12 }}>
        {t(kind === 'api' ? 'tools.addApi' : 'tools.addMcp')}
      </Button>
      <CardGrid
        items={providers.data ?? []}
        empty={t('tools.none')}
        render={(p) => (
          <Card
            size="small"
            title={p.name}
            extra={
              <Flex gap={4}>
                {kind === 'mcp' && (
                  <Button
                    size="small"
                    type="text"
                    icon={<SyncOutlined />}
                    aria-label={t('tools.refresh')}
                    onClick={() => void run(() => unwrap(api.POST('/mcp-servers/{id}/refresh', { params: { path: { id: p.id } } })))}
                  />
                )}
                <DeleteButton label={t('common.delete')} onClick={() => remove(p.id, p.name)} />
              </Flex>
            }
          >
            {kind === 'mcp' && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {p.detail}
              </Typography.Text>
            )}
            <Flex gap={4} wrap style={{ marginTop: 8 }}>
              {p.tools.map((tool) => (
                <Tag key={tool.name} title={tool.description}>
                  {tool.name}
                </Tag>
              ))}
            </Flex>
          </Card>
        )}
      />
      {adding && <AddModal kind={kind} onClose={() => setAdding(false)} />}
    </PageState>
  );
}
