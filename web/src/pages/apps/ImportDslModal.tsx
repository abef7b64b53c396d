import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Form, Input, Modal, Select, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useProviders } from '../../api/hooks';
import { FormFooter } from '../../components/FormFooter';
import { useDialogSubmit } from '../../components/actions';
import { httpUrlRule } from '../../components/url-rule';

/**
 * Makes an app from a Dify DSL file (a file picked or its URL). A model the workspace cannot call is
 * replaced by the one chosen here; what will not run as the file says comes back as warnings.
 */
export default function ImportDslModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const providers = useProviders();
  const [content, setContent] = useState<{ name: string; text: string } | null>(null);
  const [warnings, setWarnings] = useState<{ appId: string; list: string[] } | null>(null);
  const { busy, error, run } = useDialogSubmit();
  const models = (providers.data ?? [])
    .filter((p) => p.credential.configured)
    .flatMap((p) =>
      p.models
        .filter((m) => m.model_type === 'chat')
        .map((m) => ({ value: `${p.provider}::${m.model}`, label: `${p.label} · ${m.label}` })),
    );

  const submit = (values: { url?: string; model?: string }) =>
    run(async () => {
      const [provider = '', model = ''] = values.model?.split('::') ?? [];
      const default_model = values.model ? { provider, model } : undefined;
      const body = content
        ? { mode: 'yaml-content' as const, yaml_content: content.text, default_model }
        : { mode: 'yaml-url' as const, yaml_url: values.url ?? '', default_model };
      const result = await unwrap(api.POST('/apps/imports', { body }));
      if (result.status === 'failed' || !result.app_id) throw new Error(result.error || t('apps.importFailed'));
      await queryClient.invalidateQueries({ queryKey: ['apps'] });
      if (result.warnings.length) setWarnings({ appId: result.app_id, list: result.warnings });
      else void navigate(`/app/${result.app_id}/configure`);
    });

  if (warnings)
    return (
      <Modal
        open
        title={t('apps.importedWithWarnings')}
        onCancel={onClose}
        onOk={() => void navigate(`/app/${warnings.appId}/configure`)}
        okText={t('apps.openApp')}
      >
        {warnings.list.map((w) => (
          <Alert key={w} type="warning" showIcon title={w} style={{ marginBottom: 8 }} />
        ))}
      </Modal>
    );
  return (
    <Modal open title={t('apps.importDsl')} onCancel={onClose} footer={null} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form layout="vertical" onFinish={submit}>
        <Upload.Dragger
          accept=".yml,.yaml"
          maxCount={1}
          showUploadList={false}
          beforeUpload={(file) => {
            void file.text().then((text) => setContent({ name: file.name, text }));
            return false;
          }}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{content ? content.name : t('apps.dropDsl')}</p>
        </Upload.Dragger>
        {!content && (
          <Form.Item name="url" label={t('apps.dslUrl')} style={{ marginTop: 12 }} rules={[httpUrlRule(t('models.baseUrlInvalid'))]}>
            <Input placeholder="https://…/app.yml" />
          </Form.Item>
        )}
        <Form.Item name="model" label={t('apps.defaultModel')} extra={t('apps.defaultModelHint')} style={{ marginTop: 12 }}>
          <Select allowClear options={models} optionFilterProp="label" />
        </Form.Item>
        <FormFooter onCancel={onClose} busy={busy} okText={t('apps.import')} />
      </Form>
    </Modal>
  );
}
