import { useQuery } from '@tanstack/react-query';
import { Col, Form, InputNumber, Row, Select } from 'antd';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../../api/client';
import type { DraftConfig } from '../../../api/types';
import { useMarkDirty } from './dirty';

type ToolRef = DraftConfig['tools'][number];

/**
 * Built-in tools the agent may call (picked here, with their fixed parameters' defaults), and the
 * API, MCP and workflow tools the app already has (kept; added through the API or a DSL import).
 */
export function ToolsSection() {
  const { t, i18n } = useTranslation();
  const form = Form.useFormInstance();
  const markDirty = useMarkDirty();
  const catalog = useQuery({ queryKey: ['builtin-tools'], queryFn: () => unwrap(api.GET('/builtin-tools')) });
  const tools = (Form.useWatch('tools', { form, preserve: true }) as ToolRef[] | undefined) ?? [];
  const label = (text: { en_US: string; zh_Hans: string }) => (i18n.resolvedLanguage === 'zh' ? text.zh_Hans : text.en_US);
  const builtin = tools.filter((tool) => tool.type === 'builtin_tool').map((tool) => `${tool.provider_id}/${tool.tool_id}`);
  const others = tools.filter((tool) => tool.type !== 'builtin_tool');
  const custom = useCustomToolOptions();
  const key = (tool: ToolRef) => `${tool.type}|${tool.provider_id}|${tool.tool_id}`;
  const chooseCustom = (keys: string[]) => {
    const picked = keys.map((k) => {
      const known = others.find((tool) => key(tool) === k);
      if (known) return known;
      const [type, provider_id = '', tool_id = ''] = k.split('|') as [ToolRef['type'], string, string];
      return { type, provider_id, tool_id, params: {} };
    });
    form.setFieldValue('tools', [...tools.filter((tool) => tool.type === 'builtin_tool'), ...picked]);
    markDirty();
  };
  const choose = (keys: string[]) => {
    const picked = keys.map((key) => {
      const [provider_id = '', tool_id = ''] = key.split('/');
      const known = tools.find((tool) => tool.type === 'builtin_tool' && tool.provider_id === provider_id && tool.tool_id === tool_id);
      if (known) return known;
      const spec = catalog.data?.find((p) => p.name === provider_id)?.tools.find((tool) => tool.name === tool_id);
      const params = Object.fromEntries((spec?.params ?? []).filter((p) => p.default !== undefined).map((p) => [p.name, p.default!]));
      return { type: 'builtin_tool' as const, provider_id, tool_id, params };
    });
    form.setFieldValue('tools', [...others, ...picked]);
    markDirty();
  };
  return (
    <>
      <Form.Item label={t('editor.builtinTools')}>
        <Select
          mode="multiple"
          value={builtin}
          optionFilterProp="label"
          onChange={choose}
          loading={catalog.isPending}
          placeholder={t('editor.pickTools')}
          options={catalog.data?.map((p) => ({
            label: label(p.label),
            options: p.tools.map((tool) => ({
              value: `${p.name}/${tool.name}`,
              label: label(tool.label),
              disabled: !p.is_team_authorization,
            })),
          }))}
        />
      </Form.Item>
      <Form.Item label={t('editor.otherTools')} extra={<Link to="/tools/api">{t('editor.manageTools')}</Link>}>
        <Select
          mode="multiple"
          value={others.map(key)}
          onChange={chooseCustom}
          optionFilterProp="label"
          placeholder={t('editor.pickTools')}
          options={[
            ...custom,
            // A tool the app names that this workspace no longer has stays visible until it is removed.
            ...others
              .filter((tool) => !custom.some((group) => group.options.some((o) => o.value === key(tool))))
              .map((tool) => ({ label: tool.tool_id, value: key(tool) })),
          ]}
        />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={12}>
          <Form.Item name={['agent_mode', 'strategy']} label={t('editor.agentStrategy')}>
            <Select
              allowClear
              placeholder={t('editor.strategyAuto')}
              options={[
                { value: 'function_call', label: t('editor.functionCall') },
                { value: 'react', label: 'ReAct' },
              ]}
            />
          </Form.Item>
        </Col>
        <Col xs={12}>
          <Form.Item name={['agent_mode', 'max_iterations']} label={t('editor.maxIterations')}>
            <InputNumber min={1} max={20} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}

/** The workspace's OpenAPI, MCP and workflow tools as select options, grouped by provider. */
function useCustomToolOptions() {
  const apiTools = useQuery({
    queryKey: ['tool-options', 'api'],
    queryFn: () => unwrap(api.GET('/api-tools', { params: { query: { current_page: 1, page_size: 100 } } })),
  });
  const mcp = useQuery({ queryKey: ['tool-options', 'mcp'], queryFn: () => unwrap(api.GET('/mcp-servers')) });
  const workflows = useQuery({ queryKey: ['tool-options', 'workflow'], queryFn: () => unwrap(api.GET('/workflow-tools')) });
  return [
    ...(apiTools.data?.list ?? []).map((p) => ({
      label: p.name,
      options: p.tools.map((tool) => ({ label: tool.name, value: `api_tool|${p.id}|${tool.name}` })),
    })),
    ...(mcp.data ?? []).map((p) => ({
      label: `MCP · ${p.name}`,
      options: p.tools.map((tool) => ({ label: tool.name, value: `mcp_tool|${p.id}|${tool.name}` })),
    })),
    ...((workflows.data ?? []).length
      ? [
          {
            label: 'Workflows',
            options: (workflows.data ?? []).map((w) => ({ label: w.label, value: `workflow_tool|${w.workflow_tool_id}|${w.name}` })),
          },
        ]
      : []),
  ];
}
