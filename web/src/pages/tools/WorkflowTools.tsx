import { useState } from 'react';
import { DeleteButton } from '../../components/DeleteButton';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Form, Input, Modal, Select, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { FormFooter } from '../../components/FormFooter';
import { api, unwrap } from '../../api/client';
import { useAction, useConfirmDelete } from '../../components/actions';
import { PageState } from '../../components/PageState';
import { CardGrid } from '../../components/CardGrid';

function AddModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const apps = useQuery({
    queryKey: ['apps', 'workflows'],
    queryFn: () => unwrap(api.GET('/apps', { params: { query: { current_page: 1, page_size: 100 } } })),
  });
  const published = (apps.data?.list ?? []).filter((a) => a.mode === 'workflow' && a.status === 'published');
  const save = async (values: { workflow_app_id: string; name: string; label: string; description?: string }) => {
    setError(null);
    try {
      await unwrap(
        api.POST('/workflow-tools', {
          body: { ...values, description: values.description ?? '', icon: {}, parameters: [], privacy_policy: '' },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: ['tools', 'workflow'] });
      onClose();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <Modal open title={t('tools.addWorkflow')} onCancel={onClose} footer={null} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form layout="vertical" onFinish={save}>
        <Form.Item name="workflow_app_id" label={t('tools.workflowApp')} extra={t('tools.workflowAppHint')} rules={[{ required: true }]}>
          <Select loading={apps.isPending} options={published.map((a) => ({ value: a.id, label: a.name }))} />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('tools.toolName')}
          extra={t('tools.toolNameHint')}
          rules={[{ required: true, pattern: /^[A-Za-z0-9_]{1,64}$/, message: t('tools.toolNameHint') }]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="label" label={t('tools.label')} rules={[{ required: true, whitespace: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="description" label={t('tools.description')}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <FormFooter onCancel={onClose} />
      </Form>
    </Modal>
  );
}

/** Published workflow apps offered as tools (their start form's fields are the tool's arguments). */
export function WorkflowTools() {
  const { t } = useTranslation();
  const [adding, setAdding] = useState(false);
  const tools = useQuery({ queryKey: ['tools', 'workflow'], queryFn: () => unwrap(api.GET('/workflow-tools')) });
  const action = useAction();
  const confirmDelete = useConfirmDelete();
  const remove = (id: string, label: string) =>
    confirmDelete(
      t('tools.deleteTitle', { name: label }),
      () =>
        action(() => unwrap(api.POST('/workflow-tools/{workflow_tool_id}/delete', { params: { path: { workflow_tool_id: id } } })), {
          refresh: [['tools', 'workflow']],
        }),
      { content: t('tools.deleteBody') },
    );

  return (
    <PageState query={tools}>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} style={{ marginBottom: 12 }}>
        {t('tools.addWorkflow')}
      </Button>
      <CardGrid
        items={tools.data ?? []}
        empty={t('tools.none')}
        render={(tool) => (
          <Card
            size="small"
            title={tool.label}
            extra={<DeleteButton label={t('common.delete')} onClick={() => remove(tool.workflow_tool_id, tool.label)} />}
          >
            <Flex gap={4} wrap>
              <Tag color="blue">{tool.name}</Tag>
              {!tool.synced && <Tag color="warning">{t('tools.notSynced')}</Tag>}
            </Flex>
            {tool.description}
          </Card>
        )}
      />
      {adding && <AddModal onClose={() => setAdding(false)} />}
    </PageState>
  );
}
