import { Alert, Card, Descriptions, Flex, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export interface RunState {
  status: 'running' | 'succeeded' | 'failed' | 'stopped' | 'partial-succeeded';
  text: string;
  outputs?: Record<string, unknown>;
  error?: string;
  elapsed?: number;
  steps?: number;
  tokens?: number;
}

const COLOR: Record<RunState['status'], string> = {
  running: 'processing',
  succeeded: 'success',
  failed: 'error',
  stopped: 'default',
  'partial-succeeded': 'warning',
};

/** The debug run's result: status, streamed text, outputs, and what it took. */
export function RunPanel({ run }: { run: RunState }) {
  const { t } = useTranslation();
  return (
    <Card
      size="small"
      title={t('workflow.result')}
      extra={
        <Tag color={COLOR[run.status]} data-testid="run-status">
          {t(`workflow.status.${run.status}`)}
        </Tag>
      }
      style={{ width: 380 }}
    >
      <Flex vertical gap={8}>
        {run.error && <Alert type="error" showIcon title={run.error} />}
        {run.text && <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{run.text}</Typography.Paragraph>}
        {run.outputs && (
          <pre style={{ margin: 0, fontSize: 12, maxHeight: 260, overflow: 'auto' }} data-testid="run-outputs">
            {JSON.stringify(run.outputs, null, 2)}
          </pre>
        )}
        {run.elapsed !== undefined && (
          <Descriptions
            size="small"
            column={3}
            items={[
              { key: 'time', label: t('workflow.elapsed'), children: `${run.elapsed.toFixed(3)} s` },
              { key: 'steps', label: t('workflow.steps'), children: run.steps },
              { key: 'tokens', label: t('workflow.tokens'), children: run.tokens },
            ]}
          />
        )}
      </Flex>
    </Card>
  );
}
