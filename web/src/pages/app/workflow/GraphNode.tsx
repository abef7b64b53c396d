import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { Badge, Typography, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import { NODE_COLORS, sourceHandles } from './node-types';

export type NodeStatus = 'running' | 'succeeded' | 'failed' | 'exception' | 'stopped';
export interface GraphNodeData extends Record<string, unknown> {
  type: string;
  title?: string;
  _status?: NodeStatus;
  _elapsed?: number;
}

const STATUS: Record<NodeStatus, 'processing' | 'success' | 'error' | 'warning' | 'default'> = {
  running: 'processing',
  succeeded: 'success',
  failed: 'error',
  exception: 'warning',
  stopped: 'default',
};

/** One node on the canvas: its type, title, branches and, during a debug run, its status. */
export const GraphNode = memo(function GraphNode({ data, selected }: NodeProps & { data: GraphNodeData }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const handles = sourceHandles(data);
  const color = NODE_COLORS[data.type] ?? token.colorTextSecondary;
  const status = data._status;
  return (
    <div
      data-testid={`node-${data.type}`}
      data-status={status ?? ''}
      style={{
        minWidth: 180,
        background: token.colorBgContainer,
        border: `2px solid ${status === 'failed' ? token.colorError : status === 'succeeded' ? token.colorSuccess : selected ? token.colorPrimary : token.colorBorder}`,
        borderRadius: 10,
        padding: '8px 12px',
        boxShadow: token.boxShadowTertiary,
      }}
    >
      {data.type !== 'start' && <Handle type="target" position={Position.Left} id="target" />}
      <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
        <span style={{ width: 10, height: 10, borderRadius: 3, background: color, display: 'inline-block' }} />
        <Typography.Text strong ellipsis style={{ maxWidth: 150 }}>
          {data.title || data.type}
        </Typography.Text>
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 11 }}>
        {t(`workflow.nodes.${data.type}`, { defaultValue: data.type })}
      </Typography.Text>
      {status && (
        <div style={{ fontSize: 11 }}>
          <Badge
            status={STATUS[status]}
            text={`${t(`workflow.status.${status}`)}${data._elapsed !== undefined ? ` · ${data._elapsed.toFixed(3)} s` : ''}`}
          />
        </div>
      )}
      {handles.map((h, i) => (
        <Handle
          key={h.id}
          type="source"
          position={Position.Right}
          id={h.id}
          style={{ top: handles.length === 1 ? '50%' : `${((i + 1) / (handles.length + 1)) * 100}%` }}
          title={h.label}
        />
      ))}
    </div>
  );
});
