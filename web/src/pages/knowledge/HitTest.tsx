import { useState } from 'react';
import { App, Button, Card, Empty, Flex, Form, Input, InputNumber, Select, Slider, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import type { PostBody, PostData } from '../../api/types';

type HitBody = PostBody<'/datasets/{dataset_id}/hit'>;

/** Tries a query against the dataset with one of the three strategies and shows each segment's score. */
export function HitTest({ datasetId, semantic }: { datasetId: string; semantic: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<PostData<'/datasets/{dataset_id}/hit'> | null>(null);
  const test = async (body: HitBody) => {
    setBusy(true);
    try {
      setResult(await unwrap(api.POST('/datasets/{dataset_id}/hit', { params: { path: { dataset_id: datasetId } }, body })));
    } catch (err) {
      message.error((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Flex gap={16} wrap align="start">
      <Card size="small" style={{ flex: '1 1 320px' }}>
        <Form layout="vertical" onFinish={test} initialValues={{ retrieval_strategy: semantic ? 'semantic' : 'full_text', k: 4, score: 0 }}>
          <Form.Item
            name="query"
            label={t('knowledge.query')}
            rules={[{ required: true, whitespace: true, message: t('knowledge.queryRequired') }]}
          >
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} data-testid="hit-query" />
          </Form.Item>
          <Form.Item name="retrieval_strategy" label={t('editor.strategy')}>
            <Select
              data-testid="hit-strategy"
              options={(['semantic', 'full_text', 'hybrid'] as const).map((s) => ({
                value: s,
                label: t(`knowledge.strategies.${s}`),
                disabled: !semantic && s !== 'full_text',
              }))}
            />
          </Form.Item>
          <Flex gap={16}>
            <Form.Item name="k" label={t('editor.topK')}>
              <InputNumber min={1} max={10} />
            </Form.Item>
            <Form.Item name="score" label={t('editor.minScore')} style={{ flex: 1 }}>
              <Slider min={0} max={1} step={0.01} />
            </Form.Item>
          </Flex>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="hit-run">
            {t('knowledge.test')}
          </Button>
        </Form>
      </Card>
      <Flex vertical gap={8} style={{ flex: '2 1 420px' }} data-testid="hit-results">
        {result && result.records.length === 0 && <Empty description={t('knowledge.noHits')} />}
        {result?.records.map((r) => (
          <Card
            key={r.segment_id}
            size="small"
            title={<Typography.Text>{r.document_name}</Typography.Text>}
            extra={<Tag color="blue">{t('chat.score', { score: r.score.toFixed(3) })}</Tag>}
          >
            <Typography.Paragraph ellipsis={{ rows: 5, expandable: true }} style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
              {r.content}
            </Typography.Paragraph>
          </Card>
        ))}
      </Flex>
    </Flex>
  );
}
