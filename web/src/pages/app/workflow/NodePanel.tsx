import { useState } from 'react';
import { Alert, Button, Card, Flex, Input, Popconfirm, Typography } from 'antd';
import { DeleteOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { FlowNode } from './graph-io';
import { LlmFields } from './LlmFields';

/**
 * A node's settings: its title, and the rest of its data as Dify's JSON (the shapes Dify's DSL uses,
 * checked by the server when the draft runs or is published).
 */
export function NodePanel({
  node,
  onApply,
  onDelete,
  onClose,
}: {
  node: FlowNode;
  onApply: (data: Record<string, unknown>) => void;
  onDelete: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { type, title, _status, _elapsed, ...settings } = node.data;
  void _status;
  void _elapsed;
  const [name, setName] = useState(title ?? '');
  const [text, setText] = useState(JSON.stringify(settings, null, 2));
  const [error, setError] = useState<string | null>(null);
  const apply = () => {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(t('workflow.settingsObject'));
      onApply({ ...(parsed as Record<string, unknown>), type, title: name.trim() || type });
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <Card
      size="small"
      title={t(`workflow.nodes.${type}`, { defaultValue: type })}
      extra={
        <Button size="small" type="text" onClick={onClose}>
          ✕
        </Button>
      }
      style={{ width: 380, maxHeight: '100%', overflow: 'auto' }}
      data-testid="node-panel"
    >
      <Flex vertical gap={8}>
        <Typography.Text type="secondary">{t('workflow.title')}</Typography.Text>
        <Input value={name} onChange={(e) => setName(e.target.value)} data-testid="node-title" />
        {type === 'llm' && <LlmFields json={text} onChange={setText} />}
        <Typography.Text type="secondary">{t('workflow.settings')}</Typography.Text>
        <Input.TextArea
          value={text}
          onChange={(e) => setText(e.target.value)}
          autoSize={{ minRows: 8, maxRows: 24 }}
          spellCheck={false}
          style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 12 }}
          data-testid="node-settings"
        />
        {error && <Alert type="error" showIcon title={error} />}
        <Flex justify="space-between">
          <Popconfirm title={t('workflow.deleteNode')} onConfirm={onDelete} okText={t('common.delete')} cancelText={t('common.cancel')}>
            <Button danger icon={<DeleteOutlined />} disabled={type === 'start'}>
              {t('common.delete')}
            </Button>
          </Popconfirm>
          <Button type="primary" onClick={apply} data-testid="node-apply">
            {t('workflow.apply')}
          </Button>
        </Flex>
      </Flex>
    </Card>
  );
}
