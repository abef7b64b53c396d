import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  App,
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { CheckCircleFilled, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { FormFooter } from '../../components/FormFooter';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useProviders, useRole } from '../../api/hooks';
import type { PostBody, Provider } from '../../api/types';
import { PageState } from '../../components/PageState';
import { useDialogSubmit } from '../../components/actions';
import { httpUrlRule } from '../../components/url-rule';

type CredentialBody = PostBody<'/llm-models/{provider}/credentials'>;

function CredentialModal({ provider, onClose }: { provider: Provider; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const { busy, error, run } = useDialogSubmit();
  const custom = provider.custom_models ? provider.models : [];
  const save = (values: CredentialBody) =>
    run(async () => {
      const body: CredentialBody = { ...values, api_key: values.api_key || undefined, base_url: values.base_url || undefined };
      await unwrap(api.POST('/llm-models/{provider}/credentials', { params: { path: { provider: provider.provider } }, body }));
      await queryClient.invalidateQueries({ queryKey: ['llm-models'] });
      message.success(t('models.saved'));
      onClose();
    });
  return (
    <Modal open title={t('models.setUp', { provider: provider.label })} onCancel={onClose} footer={null} width={640} destroyOnHidden>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Form
        layout="vertical"
        onFinish={save}
        initialValues={{
          base_url: provider.credential.base_url,
          validate: true,
          models: custom.map((m) => ({
            model: m.model,
            context_window: m.context_window,
            max_output: m.max_output,
            model_type: m.model_type,
            features: m.features,
          })),
        }}
      >
        <Form.Item
          name="api_key"
          label={t('models.apiKey')}
          extra={provider.credential.configured ? t('models.keyKept', { masked: provider.credential.api_key }) : undefined}
          rules={[{ required: provider.api_key_required && !provider.credential.configured, message: t('models.apiKeyRequired') }]}
        >
          <Input.Password autoComplete="off" placeholder={provider.credential.api_key || 'sk-...'} />
        </Form.Item>
        <Form.Item name="base_url" label={t('models.baseUrl')} rules={[httpUrlRule(t('models.baseUrlInvalid'))]}>
          <Input placeholder="https://api.example.com/v1" />
        </Form.Item>
        {provider.custom_models && (
          <Form.List name="models">
            {(fields, { add, remove }) => (
              <>
                <Typography.Text strong>{t('models.customModels')}</Typography.Text>
                {fields.map((field) => (
                  <Flex key={field.key} gap={8} align="baseline" wrap style={{ marginTop: 8 }}>
                    <Form.Item
                      name={[field.name, 'model']}
                      rules={[{ required: true, message: t('models.modelRequired') }]}
                      style={{ flex: 2, minWidth: 140 }}
                    >
                      <Input placeholder={t('models.modelName')} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'model_type']} style={{ width: 120 }} initialValue="chat">
                      <Select
                        options={[
                          { value: 'chat', label: t('models.chat') },
                          { value: 'embedding', label: t('models.embedding') },
                        ]}
                      />
                    </Form.Item>
                    <Form.Item name={[field.name, 'context_window']} style={{ width: 120 }}>
                      <InputNumber placeholder={t('models.contextWindow')} min={256} style={{ width: '100%' }} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'features']} style={{ flex: 1, minWidth: 160 }}>
                      <Select
                        mode="multiple"
                        placeholder={t('models.features')}
                        options={['stream', 'tool_call', 'vision'].map((f) => ({ value: f, label: f }))}
                      />
                    </Form.Item>
                    <MinusCircleOutlined aria-label={t('common.remove')} onClick={() => remove(field.name)} />
                  </Flex>
                ))}
                <Button
                  type="dashed"
                  block
                  icon={<PlusOutlined />}
                  onClick={() => add({ model_type: 'chat', features: ['stream'] })}
                  style={{ margin: '8px 0 16px' }}
                >
                  {t('models.addModel')}
                </Button>
              </>
            )}
          </Form.List>
        )}
        <Form.Item name="validate" label={t('models.validate')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <FormFooter onCancel={onClose} busy={busy} />
      </Form>
    </Modal>
  );
}

export default function Models() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const providers = useProviders();
  const { canManage } = useRole();
  const [editing, setEditing] = useState<Provider | null>(null);
  return (
    <>
      <Typography.Title level={3}>{t('models.title')}</Typography.Title>
      {params.get('welcome') && <Alert type="info" showIcon title={t('models.welcome')} style={{ marginBottom: 16 }} />}
      <PageState query={providers}>
        <Row gutter={[16, 16]}>
          {providers.data?.map((p) => (
            <Col key={p.provider} xs={24} md={12} xl={8}>
              <Card
                title={p.label}
                data-testid={`provider-${p.provider}`}
                extra={
                  p.credential.configured ? (
                    <Tag icon={<CheckCircleFilled />} color="success">
                      {p.credential.source === 'environment' ? t('models.fromEnvironment') : t('models.configured')}
                    </Tag>
                  ) : (
                    <Tag>{t('models.notConfigured')}</Tag>
                  )
                }
                actions={
                  canManage
                    ? [
                        <Button key="setup" type="link" onClick={() => setEditing(p)}>
                          {t('models.setUpShort')}
                        </Button>,
                      ]
                    : []
                }
              >
                {p.models.length === 0 ? (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('models.noModels')} />
                ) : (
                  <Space size={[4, 4]} wrap>
                    {p.models.slice(0, 12).map((m) => (
                      <Tag key={m.model} color={m.model_type === 'embedding' ? 'purple' : 'blue'}>
                        {m.label}
                      </Tag>
                    ))}
                    {p.models.length > 12 && <Tag>+{p.models.length - 12}</Tag>}
                  </Space>
                )}
              </Card>
            </Col>
          ))}
        </Row>
      </PageState>
      {editing && <CredentialModal provider={editing} onClose={() => setEditing(null)} />}
    </>
  );
}
