import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Button, Empty, Flex, Input, Tag, Typography } from 'antd';
import { PictureOutlined, SendOutlined, StopOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { StreamEvent } from '../api/stream';
import { applyEvent, type ChatTurn } from './chat-state';
import { MessageBubble } from './MessageBubble';

/** An image attached to a question: uploaded first, then named by id in the message's `files`. */
export interface Attachment {
  id: string;
  name: string;
  preview: string;
}

export interface ChatTransport {
  /** Streams the answer to `query`; aborting the signal ends the request. */
  send(query: string, signal: AbortSignal, files: Attachment[]): AsyncGenerator<StreamEvent>;
  /** Uploads an image for the next question; absent where the app takes no images. */
  uploadImage?(file: File): Promise<Attachment>;
  /** Asks the server to stop the running answer (the model call ends there too). */
  stop(taskId: string): Promise<void>;
  /** Follow-up questions after an answer, where the app has them on. */
  suggest?(messageId: string): Promise<string[]>;
}

let counter = 0;

/**
 * A streaming chat: tokens are applied once per animation frame to the last turn only, so a long
 * conversation is not re-rendered per token.
 */
export function ChatView({
  transport,
  opening,
  openingQuestions,
  header,
  initial,
}: {
  transport: ChatTransport;
  /** Earlier turns to start from (a conversation picked from a list; give the view a new `key` to switch). */
  initial?: ChatTurn[];
  opening?: string;
  openingQuestions?: string[];
  header?: ReactNode;
}) {
  const { t } = useTranslation();
  const [turns, setTurns] = useState<ChatTurn[]>(initial ?? []);
  const [draft, setDraft] = useState('');
  const [images, setImages] = useState<Attachment[]>([]);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const abort = useRef<AbortController | null>(null);
  const bottom = useRef<HTMLDivElement>(null);
  const busy = turns.at(-1)?.status === 'streaming';

  // Braces matter: scrollIntoView returns a promise in newer browsers, and an effect must return nothing.
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [turns]);

  const ask = useCallback(
    async (query: string, files: Attachment[] = []) => {
      const text = query.trim();
      if (!text) return;
      const controller = new AbortController();
      abort.current = controller;
      let turn: ChatTurn = {
        key: String(++counter),
        query: text,
        images: files.map((f) => f.preview),
        answer: '',
        status: 'streaming',
        citations: [],
        steps: [],
      };
      setTurns((all) => [...all, turn]);
      let frame = 0;
      const flush = () => {
        frame = 0;
        const snapshot = turn;
        setTurns((all) => [...all.slice(0, -1), snapshot]);
      };
      try {
        for await (const event of transport.send(text, controller.signal, files)) {
          turn = applyEvent(turn, event);
          if (!frame) frame = requestAnimationFrame(flush);
        }
        if (turn.status === 'streaming') turn = { ...turn, status: 'done' };
      } catch (err) {
        turn = controller.signal.aborted ? { ...turn, status: 'stopped' } : { ...turn, status: 'error', error: (err as Error).message };
      }
      cancelAnimationFrame(frame);
      flush();
      if (turn.status === 'done' && turn.messageId && transport.suggest) {
        const suggestions = await transport.suggest(turn.messageId).catch(() => []);
        if (suggestions.length) {
          turn = { ...turn, suggestions };
          flush();
        }
      }
    },
    [transport],
  );

  const stop = async () => {
    const taskId = turns.at(-1)?.taskId;
    if (taskId) await transport.stop(taskId).catch(() => undefined);
    abort.current?.abort();
  };
  const submit = () => {
    if (busy || uploading) return;
    void ask(draft, images);
    setDraft('');
    setImages([]);
  };
  const attach = async (files: FileList | null) => {
    if (!files?.length || !transport.uploadImage) return;
    setUploading(true);
    try {
      for (const file of Array.from(files)) {
        const attachment = await transport.uploadImage(file);
        setImages((all) => [...all, attachment]);
      }
    } catch (err) {
      setUploadError((err as Error).message);
    } finally {
      setUploading(false);
      if (picker.current) picker.current.value = '';
    }
  };
  const last = turns.at(-1);

  return (
    <Flex vertical style={{ height: '100%', minHeight: 0 }}>
      {header}
      <div style={{ flex: 1, overflowY: 'auto', padding: '8px 4px', minHeight: 200 }} data-testid="chat-log">
        {opening && (
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="opening-statement">
            {opening}
          </Typography.Paragraph>
        )}
        {turns.length === 0 && (openingQuestions?.length ?? 0) > 0 && (
          <Flex gap={4} wrap style={{ marginBottom: 12 }}>
            {openingQuestions!.map((q) => (
              <Tag key={q} color="blue" style={{ cursor: 'pointer' }} onClick={() => void ask(q)}>
                {q}
              </Tag>
            ))}
          </Flex>
        )}
        {turns.length === 0 && !opening && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('chat.empty')} />}
        <Flex vertical gap={16}>
          {turns.map((turn) => (
            <MessageBubble key={turn.key} turn={turn} onSuggestion={(q) => void ask(q)} />
          ))}
        </Flex>
        <div ref={bottom} />
      </div>
      {(images.length > 0 || uploadError) && (
        <Flex gap={8} wrap align="center" style={{ paddingTop: 8 }}>
          {images.map((image) => (
            <Tag key={image.id} closable onClose={() => setImages((all) => all.filter((i) => i.id !== image.id))} style={{ padding: 2 }}>
              <img src={image.preview} alt={image.name} style={{ height: 40, borderRadius: 4, verticalAlign: 'middle' }} />
            </Tag>
          ))}
          {uploadError && (
            <Typography.Text type="danger" onClick={() => setUploadError(null)}>
              {uploadError}
            </Typography.Text>
          )}
        </Flex>
      )}
      <Flex gap={8} style={{ paddingTop: 8 }}>
        {transport.uploadImage && (
          <>
            <input
              ref={picker}
              type="file"
              accept="image/png,image/jpeg,image/webp,image/gif"
              multiple
              hidden
              onChange={(e) => void attach(e.target.files)}
              data-testid="chat-image-input"
            />
            <Button
              icon={<PictureOutlined />}
              loading={uploading}
              aria-label={t('chat.attachImage')}
              title={t('chat.attachImage')}
              onClick={() => picker.current?.click()}
            />
          </>
        )}
        <Input.TextArea
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          autoSize={{ minRows: 1, maxRows: 6 }}
          placeholder={t('chat.placeholder')}
          onPressEnter={(e) => {
            if (!e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
          data-testid="chat-input"
        />
        {busy ? (
          <Button icon={<StopOutlined />} onClick={() => void stop()} data-testid="chat-stop">
            {t('chat.stop')}
          </Button>
        ) : (
          <>
            {last && last.status !== 'streaming' && (
              <Button
                icon={<ReloadOutlined />}
                aria-label={t('chat.regenerate')}
                title={t('chat.regenerate')}
                onClick={() => void ask(last.query)}
              />
            )}
            <Button type="primary" icon={<SendOutlined />} onClick={submit} disabled={!draft.trim()} data-testid="chat-send">
              {t('chat.send')}
            </Button>
          </>
        )}
      </Flex>
    </Flex>
  );
}
