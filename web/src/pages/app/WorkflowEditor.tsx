import { useCallback, useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { addEdge, Background, Controls, MiniMap, ReactFlow, useEdgesState, useNodesState, type Connection, type Edge } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { App, Button, Dropdown, Flex, Form, Input, Modal, Typography, theme } from 'antd';
import { CaretRightOutlined, PlusOutlined, SaveOutlined, StopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, ApiError, unwrap } from '../../api/client';
import { postEvents } from '../../api/stream';
import type { AppItem } from '../../api/types';
import { PageState } from '../../components/PageState';
import { useThemeMode } from '../../theme';
import { GraphNode, type NodeStatus } from './workflow/GraphNode';
import { fromFlow, newNodeId, toFlow, type FlowNode } from './workflow/graph-io';
import { NodePanel } from './workflow/NodePanel';
import { NODE_DEFAULTS } from './workflow/node-types';
import { RunPanel, type RunState } from './workflow/RunPanel';

const nodeTypes = { custom: GraphNode, 'custom-iteration-start': GraphNode, 'custom-loop-start': GraphNode, 'custom-note': GraphNode };

interface StartVariable {
  variable: string;
  label?: string;
  required?: boolean;
}

/** The canvas of a workflow or chatflow: edit the graph, save the draft, debug-run it with each node's status. */
export default function WorkflowEditor({ app }: { app: AppItem }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { token } = theme.useToken();
  const { mode } = useThemeMode();
  const queryClient = useQueryClient();
  const chatflow = app.mode === 'advanced-chat';
  const draft = useQuery({
    queryKey: ['workflow-draft', app.id],
    queryFn: () => unwrap(api.GET('/apps/{app_id}/workflows/draft', { params: { path: { app_id: app.id } } })),
  });
  const [nodes, setNodes, onNodesChange] = useNodesState<FlowNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [run, setRun] = useState<RunState | null>(null);
  const [asking, setAsking] = useState(false);
  const hash = useRef<string | undefined>(undefined);
  const conversation = useRef<string | undefined>(undefined);
  const abort = useRef<AbortController | null>(null);
  const loaded = useRef(false);

  useEffect(() => {
    if (!draft.data || loaded.current) return;
    loaded.current = true;
    hash.current = draft.data.hash;
    const flow = toFlow(draft.data.graph);
    setNodes(flow.nodes);
    setEdges(flow.edges);
  }, [draft.data, setNodes, setEdges]);

  const save = useCallback(async (): Promise<boolean> => {
    if (!dirty) return true;
    setSaving(true);
    try {
      const saved = await unwrap(
        api.POST('/apps/{app_id}/workflows/draft', {
          params: { path: { app_id: app.id } },
          body: {
            graph: fromFlow(nodes, edges),
            features: draft.data?.features ?? {},
            environment_variables: draft.data?.environment_variables ?? [],
            conversation_variables: draft.data?.conversation_variables ?? [],
            hash: hash.current,
          },
        }),
      );
      hash.current = saved.hash;
      setDirty(false);
      return true;
    } catch (err) {
      message.error(err instanceof ApiError && err.status === 409 ? t('workflow.conflict') : (err as Error).message);
      return false;
    } finally {
      setSaving(false);
    }
  }, [dirty, app.id, nodes, edges, draft.data, message, t]);

  const changed = () => setDirty(true);
  const onConnect = (c: Connection) => {
    const source = nodes.find((n) => n.id === c.source);
    const target = nodes.find((n) => n.id === c.target);
    const id = `${c.source}-${c.sourceHandle ?? 'source'}-${c.target}-target`;
    setEdges((all) => addEdge({ ...c, id, type: 'custom', data: { sourceType: source?.data.type, targetType: target?.data.type } }, all));
    changed();
  };
  const addNode = (type: string) => {
    const id = newNodeId();
    const count = nodes.filter((n) => n.data.type === type).length;
    const title = t(`workflow.nodes.${type}`, { defaultValue: type }) + (count ? ` ${count + 1}` : '');
    const last = nodes.at(-1)?.position ?? { x: 0, y: 200 };
    setNodes((all) => [
      ...all,
      { id, type: 'custom', position: { x: last.x + 280, y: last.y }, data: { type, title, ...structuredClone(NODE_DEFAULTS[type]) } },
    ]);
    setSelected(id);
    changed();
  };
  const mark = (nodeId: string, status: NodeStatus, elapsed?: number) =>
    setNodes((all) => all.map((n) => (n.id === nodeId ? { ...n, data: { ...n.data, _status: status, _elapsed: elapsed } } : n)));

  const start = async (values: { inputs?: Record<string, string>; query?: string }) => {
    setAsking(false);
    if (!(await save())) return;
    setSelected(null);
    setNodes((all) => all.map((n) => ({ ...n, data: { ...n.data, _status: undefined, _elapsed: undefined } })));
    const controller = new AbortController();
    abort.current = controller;
    let state: RunState = { status: 'running', text: '' };
    setRun(state);
    try {
      const body = { inputs: values.inputs ?? {}, ...(chatflow ? { query: values.query, conversation_id: conversation.current } : {}) };
      for await (const event of postEvents(`/apps/${app.id}/workflows/draft/run`, body, controller.signal)) {
        const data = (event.data ?? {}) as Record<string, unknown>;
        if (typeof event.conversation_id === 'string') conversation.current = event.conversation_id;
        if (event.event === 'node_started') mark(data.node_id as string, 'running');
        else if (event.event === 'node_finished') mark(data.node_id as string, data.status as NodeStatus, data.elapsed_time as number);
        else if (event.event === 'text_chunk') state = { ...state, text: state.text + ((data.text as string) ?? '') };
        else if (event.event === 'message') state = { ...state, text: state.text + ((event.answer as string) ?? '') };
        else if (event.event === 'error') state = { ...state, status: 'failed', error: event.message as string };
        else if (event.event === 'workflow_finished')
          state = {
            ...state,
            status: data.status as RunState['status'],
            outputs: (data.outputs as Record<string, unknown>) ?? {},
            error: (data.error as string) || undefined,
            elapsed: data.elapsed_time as number,
            steps: data.total_steps as number,
            tokens: data.total_tokens as number,
          };
        setRun(state);
      }
    } catch (err) {
      setRun({
        ...state,
        status: controller.signal.aborted ? 'stopped' : 'failed',
        error: controller.signal.aborted ? undefined : (err as Error).message,
      });
    }
    abort.current = null;
    await queryClient.invalidateQueries({ queryKey: ['workflow-runs', app.id] });
  };

  const startNode = nodes.find((n) => n.data.type === 'start');
  const variables = ((startNode?.data.variables as StartVariable[] | undefined) ?? []).filter((v) => v.variable);
  const current = nodes.find((n) => n.id === selected);

  return (
    <PageState query={draft}>
      <Flex justify="space-between" align="center" style={{ marginBottom: 8 }} wrap gap={8}>
        <Typography.Text type="secondary">{dirty ? t('editor.unsaved') : t('editor.allSaved')}</Typography.Text>
        <Flex gap={8}>
          <Dropdown
            menu={{
              items: Object.keys(NODE_DEFAULTS)
                .filter((type) => type !== 'start' && (chatflow ? type !== 'end' : type !== 'answer'))
                .map((type) => ({ key: type, label: t(`workflow.nodes.${type}`, { defaultValue: type }) })),
              onClick: ({ key }) => addNode(key),
            }}
          >
            <Button icon={<PlusOutlined />} data-testid="add-node">
              {t('workflow.addNode')}
            </Button>
          </Dropdown>
          <Button
            icon={<SaveOutlined />}
            disabled={!dirty}
            loading={saving}
            onClick={() => void save().then((ok) => ok && message.success(t('editor.saved')))}
            data-testid="save-workflow"
          >
            {t('common.save')}
          </Button>
          {run?.status === 'running' ? (
            <Button icon={<StopOutlined />} onClick={() => abort.current?.abort()}>
              {t('chat.stop')}
            </Button>
          ) : (
            <Button
              type="primary"
              icon={<CaretRightOutlined />}
              onClick={() => (variables.length || chatflow ? setAsking(true) : void start({}))}
              data-testid="run-workflow"
            >
              {t('workflow.run')}
            </Button>
          )}
        </Flex>
      </Flex>
      <div
        style={{
          height: 'calc(100vh - 260px)',
          minHeight: 480,
          border: `1px solid ${token.colorBorderSecondary}`,
          borderRadius: 8,
          position: 'relative',
        }}
      >
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          colorMode={mode}
          onNodesChange={(changes) => {
            onNodesChange(changes);
            if (changes.some((c) => c.type === 'position' || c.type === 'remove')) changed();
          }}
          onEdgesChange={(changes) => {
            onEdgesChange(changes);
            if (changes.some((c) => c.type === 'remove')) changed();
          }}
          onConnect={onConnect}
          onNodeClick={(_, node) => setSelected(node.id)}
          onPaneClick={() => setSelected(null)}
          deleteKeyCode={['Delete', 'Backspace']}
          fitView
          fitViewOptions={{ maxZoom: 1 }}
        >
          <Background />
          <Controls />
          <MiniMap pannable zoomable />
        </ReactFlow>
        <Flex vertical gap={8} style={{ position: 'absolute', top: 8, right: 8, bottom: 8, zIndex: 5, pointerEvents: 'none' }}>
          <div style={{ pointerEvents: 'auto', minHeight: 0, overflow: 'auto' }}>
            {current && (
              <NodePanel
                key={current.id}
                node={current}
                onClose={() => setSelected(null)}
                onApply={(data) => {
                  setNodes((all) => all.map((n) => (n.id === current.id ? { ...n, data: { ...data, type: n.data.type } } : n)));
                  changed();
                }}
                onDelete={() => {
                  setNodes((all) => all.filter((n) => n.id !== current.id));
                  setEdges((all) => all.filter((e) => e.source !== current.id && e.target !== current.id));
                  setSelected(null);
                  changed();
                }}
              />
            )}
            {!current && run && <RunPanel run={run} />}
          </div>
        </Flex>
      </div>
      <Modal open={asking} title={t('workflow.runTitle')} onCancel={() => setAsking(false)} footer={null} destroyOnHidden>
        <Form layout="vertical" onFinish={(values) => void start(values as { inputs?: Record<string, string>; query?: string })}>
          {variables.map((v) => (
            <Form.Item
              key={v.variable}
              name={['inputs', v.variable]}
              label={v.label || v.variable}
              rules={[{ required: v.required, message: t('workflow.required') }]}
            >
              <Input />
            </Form.Item>
          ))}
          {chatflow && (
            <Form.Item name="query" label={t('workflow.query')} rules={[{ required: true, message: t('workflow.required') }]}>
              <Input.TextArea autoSize={{ minRows: 2 }} />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" block data-testid="run-start">
            {t('workflow.run')}
          </Button>
        </Form>
      </Modal>
    </PageState>
  );
}
