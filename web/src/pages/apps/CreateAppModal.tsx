import { useState } from 'react';
import { App, Flex, Form, Input, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormFooter } from '../../components/FormFooter';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { PostBody } from '../../api/types';

const MODES = ['chat', 'agent-chat', 'workflow', 'advanced-chat'] as const;

export default function CreateAppModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const create = async (values: PostBody<'/apps'>) => {
    setBusy(true);
    try {
      const app = await unwrap(api.POST('/apps', { body: { ...values, icon: values.icon || undefined } }));
      void navigate(`/app/${app.id}/configure`);
    } catch (err) {
      message.error((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('apps.create')} onCancel={onClose} footer={null} destroyOnHidden>
      <Form layout="vertical" onFinish={create} initialValues={{ mode: 'chat', icon: '🤖' }}>
        <Form.Item name="mode" label={t('apps.mode')}>
          <Select options={MODES.map((m) => ({ value: m, label: t(`apps.modes.${m}`) }))} />
        </Form.Item>
        <Flex gap={8}>
          <Form.Item name="icon" label={t('apps.icon')} style={{ width: 80 }}>
            <Input maxLength={8} />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('apps.name')}
            rules={[{ required: true, whitespace: true, message: t('apps.nameRequired') }]}
            style={{ flex: 1 }}
          >
            <Input autoFocus />
          </Form.Item>
        </Flex>
        <Form.Item name="description" label={t('apps.description')}>
          <Input.TextArea rows={3} maxLength={400} />
        </Form.Item>
        <FormFooter onCancel={onClose} busy={busy} okText={t('common.create')} />
      </Form>
    </Modal>
  );
}
