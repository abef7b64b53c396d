import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, Modal, Tag, Typography } from 'antd';
import { CheckCircleFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import type { GetData } from '../../api/types';
import { PageState } from '../../components/PageState';
import { CardGrid } from '../../components/CardGrid';

type Provider = GetData<'/builtin-tools'>[number];

function CredentialsModal({ provider, onClose }: { provider: Provider; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const path = { provider: provider.name };
  const saved = useQuery({
    queryKey: ['builtin-credentials', provider.name],
    queryFn: () => unwrap(api.GET('/builtin-tools/{provider}/credentials', { params: { path } })),
  });
  const label = (text: { en_US: string; zh_Hans: string }) => (i18n.resolvedLanguage === 'zh' ? text.zh_Hans : text.en_US);
  const run = async (work: () => Promise<unknown>) => {
    try {
      await work();
      await queryClient.invalidateQueries({ queryKey: ['builtin-tools'] });
      message.success(t('models.saved'));
      onClose();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <Modal open title={t('tools.authorize', { provider: label(provider.label) })} onCancel={onClose} footer={null} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <PageState query={saved}>
        <Form
          layout="vertical"
          initialValues={saved.data?.credentials}
          onFinish={(credentials: Record<string, string>) =>
            void run(() => unwrap(api.POST('/builtin-tools/{provider}/credentials', { params: { path }, body: { credentials } })))
          }
        >
          {provider.credentials_schema.map((field) => (
            <Form.Item
              key={field.name}
              name={field.name}
              label={label(field.label)}
              extra={field.help ? label(field.help) : undefined}
              rules={[{ required: field.required }]}
            >
              {field.type === 'secret-input' ? (
                <Input.Password autoComplete="off" placeholder={field.placeholder} />
              ) : (
                <Input placeholder={field.placeholder} />
              )}
            </Form.Item>
          ))}
          <Flex justify="space-between">
            <Button
              danger
              disabled={!saved.data?.saved}
              onClick={() => void run(() => unwrap(api.POST('/builtin-tools/{provider}/credentials/delete', { params: { path } })))}
            >
              {t('tools.removeCredentials')}
            </Button>
            <Button type="primary" htmlType="submit">
              {t('common.save')}
            </Button>
          </Flex>
        </Form>
      </PageState>
    </Modal>
  );
}

/** The built-in tool providers, and the credentials the ones that need them take. */
export function BuiltinTools() {
  const { t, i18n } = useTranslation();
  const [editing, setEditing] = useState<Provider | null>(null);
  const providers = useQuery({ queryKey: ['builtin-tools'], queryFn: () => unwrap(api.GET('/builtin-tools')) });
  const label = (text: { en_US: string; zh_Hans: string }) => (i18n.resolvedLanguage === 'zh' ? text.zh_Hans : text.en_US);
  return (
    <PageState query={providers}>
      <CardGrid
        items={providers.data ?? []}
        empty={t('tools.none')}
        render={(p) => (
          <Card
            size="small"
            title={label(p.label)}
            extra={
              p.credentials_schema.length === 0 ? (
                <Tag>{t('tools.noKeyNeeded')}</Tag>
              ) : p.is_team_authorization ? (
                <Tag icon={<CheckCircleFilled />} color="success">
                  {t('tools.authorized')}
                </Tag>
              ) : (
                <Tag color="warning">{t('tools.needsKey')}</Tag>
              )
            }
            actions={
              p.credentials_schema.length
                ? [
                    <Button key="auth" type="link" onClick={() => setEditing(p)}>
                      {t('tools.setCredentials')}
                    </Button>,
                  ]
                : []
            }
          >
            <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }}>
              {label(p.description)}
            </Typography.Paragraph>
            <Flex gap={4} wrap>
              {p.tools.map((tool) => (
                <Tag key={tool.name} title={label(tool.description)}>
                  {label(tool.label)}
                </Tag>
              ))}
            </Flex>
          </Card>
        )}
      />
      {editing && <CredentialsModal provider={editing} onClose={() => setEditing(null)} />}
    </PageState>
  );
}
