import { memo } from 'react';
import { Alert, Collapse, Flex, Popover, Tag, Typography, theme } from 'antd';
import { FileTextOutlined, ToolOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ChatTurn } from './chat-state';
import { Markdown } from './Markdown';

/** One question and its answer. Memoised: while a new answer streams, earlier turns do not re-render. */
export const MessageBubble = memo(function MessageBubble({ turn, onSuggestion }: { turn: ChatTurn; onSuggestion?: (q: string) => void }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  return (
    <Flex vertical gap={8} data-testid="chat-turn">
      <Flex justify="end">
        <div style={{ background: token.colorPrimaryBg, padding: '8px 12px', borderRadius: 12, maxWidth: '85%', whiteSpace: 'pre-wrap' }}>
          {turn.images?.map((src) => (
            <img key={src} src={src} alt="" style={{ maxHeight: 120, borderRadius: 6, display: 'block', marginBottom: 4 }} />
          ))}
          {turn.query}
        </div>
      </Flex>
      <div
        style={{ background: token.colorFillTertiary, padding: '8px 12px', borderRadius: 12, maxWidth: '95%' }}
        data-testid="chat-answer"
        data-status={turn.status}
      >
        {turn.steps.length > 0 && (
          <Collapse
            size="small"
            style={{ marginBottom: 8 }}
            items={turn.steps.map((s, i) => ({
              key: s.id || String(i),
              label: (
                <span>
                  <ToolOutlined /> {s.tool ? t('chat.usedTool', { tool: s.tool }) : t('chat.thought')}
                </span>
              ),
              children: (
                <Flex vertical gap={4}>
                  {s.thought && <Typography.Text>{s.thought}</Typography.Text>}
                  {s.tool_input && <Typography.Text code>{s.tool_input}</Typography.Text>}
                  {s.observation && (
                    <Typography.Paragraph type="secondary" ellipsis={{ rows: 4, expandable: true }}>
                      {s.observation}
                    </Typography.Paragraph>
                  )}
                </Flex>
              ),
            }))}
          />
        )}
        {turn.answer ? (
          <Markdown text={turn.answer} />
        ) : (
          turn.status === 'streaming' && <Typography.Text type="secondary">{t('chat.thinking')}</Typography.Text>
        )}
        {turn.status === 'error' && <Alert type="error" showIcon title={turn.error} />}
        {turn.status === 'stopped' && <Typography.Text type="secondary">{t('chat.stopped')}</Typography.Text>}
        {turn.citations.length > 0 && (
          <Flex gap={4} wrap style={{ marginTop: 8 }} data-testid="citations">
            <Typography.Text type="secondary">{t('chat.citations')}:</Typography.Text>
            {turn.citations.map((c) => (
              <Popover
                key={`${c.segment_id}-${c.position}`}
                title={`${c.dataset_name} / ${c.document_name}`}
                content={
                  <div style={{ maxWidth: 420, maxHeight: 300, overflow: 'auto', whiteSpace: 'pre-wrap' }}>
                    <Tag>{t('chat.score', { score: c.score.toFixed(3) })}</Tag>
                    <div>{c.content}</div>
                  </div>
                }
              >
                <Tag icon={<FileTextOutlined />} style={{ cursor: 'pointer' }}>
                  {c.document_name}
                </Tag>
              </Popover>
            ))}
          </Flex>
        )}
        {turn.usage && (
          <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 4 }} data-testid="usage">
            {t('chat.usage', { tokens: turn.usage.total_tokens, latency: turn.usage.latency.toFixed(2) })}
          </Typography.Text>
        )}
      </div>
      {turn.suggestions && turn.suggestions.length > 0 && onSuggestion && (
        <Flex gap={4} wrap>
          {turn.suggestions.map((s) => (
            <Tag key={s} color="blue" style={{ cursor: 'pointer' }} onClick={() => onSuggestion(s)}>
              {s}
            </Tag>
          ))}
        </Flex>
      )}
    </Flex>
  );
});
