import { useMemo, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Drawer, Flex, Form, Input, InputNumber, List, Result, Select, Spin, Typography, theme } from 'antd';
import { MenuOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { postEvents } from '../../api/stream';
import { imageFiles, uploadFile } from '../../api/upload';
import type { ChatTurn } from '../../chat/chat-state';
import { ChatView, type ChatTransport } from '../../chat/ChatView';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { ThemeSwitch } from '../../components/ThemeSwitch';
import { WebAppWorkflow } from './WebAppWorkflow';

type FormField = Record<string, { variable: string; label: string; required: boolean; options?: string[] }>;

/** The public chat page of a published app's link: no account, the visitor known by a cookie. */
export default function WebAppChat() {
  const { t } = useTranslation();
  const { token: linkToken = '' } = useParams();
  const { token } = theme.useToken();
  const path = { token: linkToken };
  const [conversationId, setConversationId] = useState<string | undefined>();
  const [history, setHistory] = useState<{ key: string; turns: ChatTurn[] }>({ key: 'new', turns: [] });
  const [drawer, setDrawer] = useState(false);
  const [inputs, setInputs] = useState<Record<string, string | number>>({});
  const conversationRef = useRef<string | undefined>(undefined);
  const view = useQuery({ queryKey: ['web-app', linkToken], queryFn: () => unwrap(api.GET('/web-apps/{token}', { params: { path } })) });
  const conversations = useQuery({
    queryKey: ['web-app-conversations', linkToken, conversationId],
    queryFn: () => unwrap(api.GET('/web-apps/{token}/conversations', { params: { path, query: { limit: 50 } } })),
    enabled: drawer,
  });

  const images = view.data?.file_upload.image.enabled ?? false;
  const transport = useMemo<ChatTransport>(
    () => ({
      async *send(query, signal, files) {
        const body = { query, inputs, conversation_id: conversationRef.current, files: imageFiles(files) };
        for await (const event of postEvents(`/web-apps/${linkToken}/chat`, body, signal, {})) {
          if (typeof event.conversation_id === 'string') conversationRef.current = event.conversation_id;
          yield event;
        }
      },
      uploadImage: images
        ? async (file) => ({ ...(await uploadFile(`/web-apps/${linkToken}/files/upload`, file, {})), preview: URL.createObjectURL(file) })
        : undefined,
      async stop(taskId) {
        await unwrap(api.POST('/web-apps/{token}/chat/{task_id}/stop', { params: { path: { token: linkToken, task_id: taskId } } }));
      },
    }),
    [linkToken, inputs, images],
  );

  const open = async (id: string | undefined) => {
    setDrawer(false);
    conversationRef.current = id;
    setConversationId(id);
    if (!id) return setHistory({ key: `new-${Date.now()}`, turns: [] });
    const page = await unwrap(api.GET('/web-apps/{token}/messages', { params: { path, query: { conversation_id: id, limit: 100 } } }));
    setHistory({
      key: id,
      turns: page.list.map((m) => ({
        key: m.id,
        messageId: m.id,
        query: m.query,
        answer: m.answer,
        status: 'done',
        citations: [],
        steps: [],
      })),
    });
  };

  if (view.isPending) return <Spin size="large" style={{ display: 'block', margin: '30vh auto' }} />;
  if (view.error) return <Result status="404" title={t('webapp.unavailable')} subTitle={view.error.message} />;
  const app = view.data;
  const fields = (app.user_input_form as FormField[]).flatMap((item) => Object.entries(item).map(([type, spec]) => ({ type, ...spec })));

  return (
    <Flex vertical style={{ height: '100dvh', maxWidth: 860, margin: '0 auto', padding: '0 12px' }}>
      <Flex align="center" gap={8} style={{ padding: '10px 0', borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
        {app.mode !== 'workflow' && (
          <Button type="text" icon={<MenuOutlined />} aria-label={t('webapp.conversations')} onClick={() => setDrawer(true)} />
        )}
        <span style={{ fontSize: 22 }}>{app.icon.startsWith('http') ? '' : app.icon}</span>
        <Typography.Title level={5} style={{ margin: 0, flex: 1 }} ellipsis>
          {app.name}
        </Typography.Title>
        <LanguageSwitch />
        <ThemeSwitch />
      </Flex>
      {app.mode === 'workflow' && <WebAppWorkflow token={linkToken} fields={fields} />}
      {app.mode !== 'workflow' && fields.length > 0 && (
        <Form layout="inline" size="small" style={{ padding: '8px 0', rowGap: 4 }}>
          {fields.map((f) => (
            <Form.Item key={f.variable} label={f.label} required={f.required}>
              {f.type === 'select' ? (
                <Select
                  style={{ minWidth: 120 }}
                  value={inputs[f.variable]}
                  onChange={(v) => setInputs({ ...inputs, [f.variable]: v })}
                  options={(f.options ?? []).map((o) => ({ value: o, label: o }))}
                />
              ) : f.type === 'number' ? (
                <InputNumber value={inputs[f.variable] as number} onChange={(v) => setInputs({ ...inputs, [f.variable]: v ?? '' })} />
              ) : (
                <Input value={inputs[f.variable] as string} onChange={(e) => setInputs({ ...inputs, [f.variable]: e.target.value })} />
              )}
            </Form.Item>
          ))}
        </Form>
      )}
      {app.mode !== 'workflow' && (
        <Flex vertical style={{ flex: 1, minHeight: 0, paddingBottom: 12 }}>
          <ChatView
            key={history.key}
            transport={transport}
            opening={conversationId ? undefined : app.opening_statement}
            openingQuestions={app.opening_questions}
            initial={history.turns}
          />
        </Flex>
      )}
      <Drawer open={drawer} placement="left" onClose={() => setDrawer(false)} title={t('webapp.conversations')} size={300}>
        <Button block icon={<PlusOutlined />} onClick={() => void open(undefined)} style={{ marginBottom: 12 }}>
          {t('webapp.newChat')}
        </Button>
        <List
          loading={conversations.isPending}
          dataSource={conversations.data?.list ?? []}
          locale={{ emptyText: t('webapp.noConversations') }}
          renderItem={(c) => (
            <List.Item style={{ cursor: 'pointer', fontWeight: c.id === conversationId ? 600 : undefined }} onClick={() => void open(c.id)}>
              {c.name || t('logs.untitled')}
            </List.Item>
          )}
        />
      </Drawer>
    </Flex>
  );
}
