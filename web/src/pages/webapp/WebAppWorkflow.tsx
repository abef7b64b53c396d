import { useRef, useState } from 'react';
import { Alert, Button, Card, Flex, Form, Input, InputNumber, Select, Typography } from 'antd';
import { CaretRightOutlined, StopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { postEvents } from '../../api/stream';

export interface StartField {
  type: string;
  variable: string;
  label: string;
  required: boolean;
  options?: string[];
}

/** A published workflow's page: its start form, a run, what it streams and its outputs. */
export function WebAppWorkflow({ token, fields }: { token: string; fields: StartField[] }) {
  const { t } = useTranslation();
  const [running, setRunning] = useState(false);
  const [text, setText] = useState('');
  const [outputs, setOutputs] = useState<Record<string, unknown> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const run = async (inputs: Record<string, unknown>) => {
    const controller = new AbortController();
    abort.current = controller;
    setRunning(true);
    setText('');
    setOutputs(null);
    setError(null);
    try {
      for await (const event of postEvents(`/web-apps/${token}/workflows/run`, { inputs }, controller.signal, {})) {
        const data = (event.data ?? {}) as Record<string, unknown>;
        if (event.event === 'text_chunk') setText((all) => all + ((data.text as string) ?? ''));
        else if (event.event === 'error') setError(event.message as string);
        else if (event.event === 'workflow_finished') {
          if (data.error) setError(data.error as string);
          setOutputs((data.outputs as Record<string, unknown>) ?? {});
        }
      }
    } catch (err) {
      if (!controller.signal.aborted) setError((err as Error).message);
    } finally {
      setRunning(false);
    }
  };
  return (
    <Flex vertical gap={12} style={{ paddingTop: 12 }}>
      <Card size="small">
        <Form layout="vertical" onFinish={(values: { inputs?: Record<string, unknown> }) => void run(values.inputs ?? {})}>
          {fields
            .filter((f) => f.type !== 'file' && f.type !== 'file-list')
            .map((f) => (
              <Form.Item
                key={f.variable}
                name={['inputs', f.variable]}
                label={f.label || f.variable}
                rules={[{ required: f.required, message: t('workflow.required') }]}
              >
                {f.type === 'select' ? (
                  <Select options={(f.options ?? []).map((o) => ({ value: o, label: o }))} />
                ) : f.type === 'number' ? (
                  <InputNumber style={{ width: '100%' }} />
                ) : f.type === 'paragraph' ? (
                  <Input.TextArea autoSize={{ minRows: 3 }} />
                ) : (
                  <Input />
                )}
              </Form.Item>
            ))}
          {running ? (
            <Button icon={<StopOutlined />} onClick={() => abort.current?.abort()} block>
              {t('chat.stop')}
            </Button>
          ) : (
            <Button type="primary" htmlType="submit" icon={<CaretRightOutlined />} block data-testid="web-run">
              {t('workflow.run')}
            </Button>
          )}
        </Form>
      </Card>
      {error && <Alert type="error" showIcon title={error} />}
      {text && <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{text}</Typography.Paragraph>}
      {outputs && (
        <Card size="small" title={t('workflow.result')}>
          <pre style={{ margin: 0, whiteSpace: 'pre-wrap', fontSize: 13 }} data-testid="web-outputs">
            {JSON.stringify(outputs, null, 2)}
          </pre>
        </Card>
      )}
    </Flex>
  );
}
