import { useMemo, useState } from 'react';
import { App, Button, Card, Flex, Form, Input, InputNumber, Select, Tooltip } from 'antd';
import { ClearOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { postEvents } from '../../api/stream';
import { imageFiles, uploadFile } from '../../api/upload';
import type { DraftConfig } from '../../api/types';
import { ChatView, type ChatTransport } from '../../chat/ChatView';
import { flatten } from './editor/variables';

/** The author's chat with the saved draft; `beforeSend` saves unsaved edits first. */
export function DebugPanel({ appId, draft, beforeSend }: { appId: string; draft: DraftConfig; beforeSend: () => Promise<boolean> }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [inputs, setInputs] = useState<Record<string, string | number>>({});
  const [session, setSession] = useState(0);
  const variables = flatten(draft.user_input_form);

  const transport = useMemo<ChatTransport>(
    () => ({
      async *send(query, signal, files) {
        if (!(await beforeSend())) throw new Error(t('editor.fixBeforeChat'));
        yield* postEvents(`/apps/${appId}/conversations`, { query, inputs, files: imageFiles(files) }, signal);
      },
      uploadImage: draft.file_upload.image.enabled
        ? async (file) => ({ ...(await uploadFile('/upload-files/image', file)), preview: URL.createObjectURL(file) })
        : undefined,
      async stop(taskId) {
        await unwrap(
          api.POST('/apps/{app_id}/conversations/tasks/{task_id}/stop', { params: { path: { app_id: appId, task_id: taskId } } }),
        );
      },
      suggest: draft.suggested_after_answer.enable
        ? (messageId) => unwrap(api.POST('/ai/suggested-questions', { body: { message_id: messageId } }))
        : undefined,
    }),
    [appId, inputs, beforeSend, draft.suggested_after_answer.enable, draft.file_upload.image.enabled, t],
  );

  const clear = async () => {
    try {
      await unwrap(api.POST('/apps/{app_id}/conversations/delete-debug-conversation', { params: { path: { app_id: appId } } }));
      setSession((n) => n + 1);
    } catch (err) {
      message.error((err as Error).message);
    }
  };

  return (
    <Card
      title={t('editor.debug')}
      size="small"
      extra={
        <Tooltip title={t('editor.newConversation')}>
          <Button size="small" type="text" icon={<ClearOutlined />} onClick={() => void clear()} aria-label={t('editor.newConversation')} />
        </Tooltip>
      }
      styles={{ body: { height: 'calc(100vh - 280px)', minHeight: 420, display: 'flex', flexDirection: 'column' } }}
    >
      {variables.length > 0 && (
        <Form layout="inline" size="small" style={{ marginBottom: 8, rowGap: 4 }}>
          {variables.map((v) => (
            <Form.Item key={v.variable} label={v.label || v.variable} required={v.required}>
              {v.type === 'select' ? (
                <Select
                  style={{ minWidth: 120 }}
                  options={(v.options ?? []).map((o) => ({ value: o, label: o }))}
                  value={inputs[v.variable]}
                  onChange={(x) => setInputs({ ...inputs, [v.variable]: x })}
                />
              ) : v.type === 'number' ? (
                <InputNumber value={inputs[v.variable] as number} onChange={(x) => setInputs({ ...inputs, [v.variable]: x ?? '' })} />
              ) : (
                <Input value={inputs[v.variable] as string} onChange={(e) => setInputs({ ...inputs, [v.variable]: e.target.value })} />
              )}
            </Form.Item>
          ))}
        </Form>
      )}
      <Flex vertical style={{ flex: 1, minHeight: 0 }}>
        <ChatView key={session} transport={transport} opening={draft.opening_statement} openingQuestions={draft.opening_questions} />
      </Flex>
    </Card>
  );
}
