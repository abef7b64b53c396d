import { useCallback, useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Collapse, Flex, Form, Input, InputNumber, Row, Select, Space, Switch, Typography } from 'antd';
import { SaveOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import type { AppItem, DraftConfig, PostBody } from '../../api/types';
import { PageState } from '../../components/PageState';
import { DebugPanel } from './DebugPanel';
import { KnowledgeSection } from './editor/KnowledgeSection';
import { ModelPicker } from './editor/ModelPicker';
import { PromptField } from './editor/PromptField';
import { ToolsSection } from './editor/ToolsSection';
import { VariableList } from './editor/VariableList';
import { MarkDirty } from './editor/dirty';
import { flatten, nest, type FlatVariable } from './editor/variables';

type FormValues = Omit<DraftConfig, 'user_input_form' | 'warnings'> & { variables: FlatVariable[] };

const toForm = ({ user_input_form, warnings: _warnings, ...rest }: DraftConfig): FormValues => ({
  ...rest,
  variables: flatten(user_input_form),
});

export default function AppEditor({ app }: { app: AppItem }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const markDirty = useCallback(() => setDirty(true), []);
  const draft = useQuery({
    queryKey: ['draft', app.id],
    queryFn: () => unwrap(api.GET('/apps/{app_id}/draft-app-config', { params: { path: { app_id: app.id } } })),
  });
  useEffect(() => {
    if (draft.data && !dirty) form.setFieldsValue(toForm(draft.data));
  }, [draft.data, dirty, form]);

  /** Saves the form; true when the draft on the server is now what the form shows. */
  const save = useCallback(async (): Promise<boolean> => {
    if (!dirty) return true;
    setSaving(true);
    setError(null);
    try {
      await form.validateFields();
      const { variables, ...values } = form.getFieldsValue(true) as FormValues;
      const body = { ...values, user_input_form: nest(variables ?? []) } as PostBody<'/apps/{app_id}/draft-app-config'>;
      const saved = await unwrap(api.POST('/apps/{app_id}/draft-app-config', { params: { path: { app_id: app.id } }, body }));
      queryClient.setQueryData(['draft', app.id], saved);
      setDirty(false);
      return true;
    } catch (err) {
      const text = err instanceof Error ? err.message : t('editor.invalid');
      setError(text);
      message.error(text);
      return false;
    } finally {
      setSaving(false);
    }
  }, [dirty, app.id, form, queryClient, message, t]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.metaKey || e.ctrlKey) && e.key === 's') {
        e.preventDefault();
        void save().then((ok) => ok && message.success(t('editor.saved')));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save, message, t]);

  return (
    <PageState query={draft}>
      {draft.data && (
        <Row gutter={16}>
          <Col xs={24} lg={13}>
            <MarkDirty.Provider value={markDirty}>
              <Form form={form} layout="vertical" onValuesChange={markDirty} initialValues={toForm(draft.data)}>
                <Flex justify="space-between" align="center" style={{ marginBottom: 12 }}>
                  <Typography.Text type="secondary">{dirty ? t('editor.unsaved') : t('editor.allSaved')}</Typography.Text>
                  <Button
                    type="primary"
                    icon={<SaveOutlined />}
                    loading={saving}
                    disabled={!dirty}
                    onClick={() => void save().then((ok) => ok && message.success(t('editor.saved')))}
                    data-testid="save-draft"
                  >
                    {t('common.save')}
                  </Button>
                </Flex>
                {error && (
                  <Alert type="error" showIcon closable title={error} style={{ marginBottom: 12 }} onClose={() => setError(null)} />
                )}
                {draft.data.warnings.map((w) => (
                  <Alert key={w} type="warning" showIcon title={w} style={{ marginBottom: 8 }} />
                ))}
                <Card size="small" style={{ marginBottom: 12 }}>
                  <ModelPicker />
                  <PromptField />
                  <Typography.Text strong>{t('editor.variables')}</Typography.Text>
                  <div style={{ marginTop: 8 }}>
                    <VariableList />
                  </div>
                </Card>
                <Collapse
                  defaultActiveKey={['knowledge']}
                  items={[
                    { key: 'knowledge', label: t('editor.knowledge'), children: <KnowledgeSection />, forceRender: true },
                    {
                      key: 'conversation',
                      label: t('editor.conversation'),
                      forceRender: true,
                      children: (
                        <>
                          <Form.Item name="opening_statement" label={t('editor.opening')}>
                            <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
                          </Form.Item>
                          <Form.Item name="opening_questions" label={t('editor.openingQuestions')}>
                            <Select mode="tags" open={false} placeholder={t('editor.openingQuestionsHint')} />
                          </Form.Item>
                          <Space size="large" wrap>
                            <Form.Item name="dialog_round" label={t('editor.dialogRounds')}>
                              <InputNumber min={0} max={100} />
                            </Form.Item>
                            <Form.Item name={['suggested_after_answer', 'enable']} label={t('editor.suggested')} valuePropName="checked">
                              <Switch />
                            </Form.Item>
                            <Form.Item name={['long_term_memory', 'enable']} label={t('editor.longTermMemory')} valuePropName="checked">
                              <Switch />
                            </Form.Item>
                            <Form.Item name={['file_upload', 'image', 'enabled']} label={t('editor.imageUpload')} valuePropName="checked">
                              <Switch />
                            </Form.Item>
                          </Space>
                        </>
                      ),
                    },
                    {
                      key: 'review',
                      label: t('editor.review'),
                      forceRender: true,
                      children: (
                        <>
                          <Form.Item name={['review_config', 'enable']} label={t('editor.reviewEnable')} valuePropName="checked">
                            <Switch />
                          </Form.Item>
                          <Form.Item name={['review_config', 'keywords']} label={t('editor.reviewKeywords')}>
                            <Select mode="tags" open={false} />
                          </Form.Item>
                          <Space size="large" wrap>
                            <Form.Item
                              name={['review_config', 'inputs_config', 'enable']}
                              label={t('editor.reviewInputs')}
                              valuePropName="checked"
                            >
                              <Switch />
                            </Form.Item>
                            <Form.Item
                              name={['review_config', 'outputs_config', 'enable']}
                              label={t('editor.reviewOutputs')}
                              valuePropName="checked"
                            >
                              <Switch />
                            </Form.Item>
                          </Space>
                          <Form.Item name={['review_config', 'inputs_config', 'preset_response']} label={t('editor.presetResponse')}>
                            <Input />
                          </Form.Item>
                        </>
                      ),
                    },
                    { key: 'tools', label: t('editor.tools'), children: <ToolsSection />, forceRender: true },
                  ]}
                />
              </Form>
            </MarkDirty.Provider>
          </Col>
          <Col xs={24} lg={11}>
            <DebugPanel appId={app.id} draft={draft.data} beforeSend={save} />
          </Col>
        </Row>
      )}
    </PageState>
  );
}
