/**
 * The node types the palette adds, each with the settings a new one starts with (Dify's shapes, so
 * an exported DSL file opens in Dify). Iteration, loop, tool and agent nodes come from a DSL import.
 */
export const NODE_DEFAULTS: Record<string, Record<string, unknown>> = {
  start: { variables: [] },
  end: { outputs: [] },
  answer: { answer: '' },
  llm: {
    model: { provider: 'openai_compatible', name: '', mode: 'chat', completion_params: {} },
    prompt_template: [{ role: 'system', text: '' }],
    context: { enabled: false, variable_selector: [] },
    vision: { enabled: false },
  },
  code: {
    code_language: 'javascript',
    code: 'function main({ text }) {\n  return { result: text };\n}\n',
    variables: [{ variable: 'text', value_selector: [] }],
    outputs: { result: { type: 'string', children: null } },
  },
  'template-transform': { template: '{{ text }}', variables: [{ variable: 'text', value_selector: [] }] },
  'if-else': { cases: [{ case_id: 'true', logical_operator: 'and', conditions: [] }] },
  'http-request': {
    method: 'get',
    url: 'https://example.com',
    headers: '',
    params: '',
    body: { type: 'none', data: [] },
    authorization: { type: 'no-auth' },
    timeout: {},
  },
  'knowledge-retrieval': {
    query_variable_selector: [],
    dataset_ids: [],
    retrieval_mode: 'multiple',
    multiple_retrieval_config: { top_k: 4 },
  },
  'question-classifier': {
    query_variable_selector: [],
    model: { provider: 'openai_compatible', name: '', mode: 'chat', completion_params: {} },
    classes: [
      { id: '1', name: 'First class' },
      { id: '2', name: 'Second class' },
    ],
  },
  'parameter-extractor': {
    query: [],
    model: { provider: 'openai_compatible', name: '', mode: 'chat', completion_params: {} },
    parameters: [],
    reasoning_mode: 'prompt',
  },
  'variable-aggregator': { variables: [], output_type: 'string' },
  assigner: { version: '2', items: [] },
  'document-extractor': { variable_selector: [], is_array_file: false },
  'list-operator': {
    variable: [],
    filter_by: { enabled: false, conditions: [] },
    order_by: { enabled: false, key: '', value: 'asc' },
    limit: { enabled: false, size: 10 },
  },
};

export const NODE_COLORS: Record<string, string> = {
  start: '#2f54eb',
  end: '#f5222d',
  answer: '#fa8c16',
  llm: '#722ed1',
  code: '#13c2c2',
  'template-transform': '#2f54eb',
  'if-else': '#52c41a',
  'http-request': '#1677ff',
  'knowledge-retrieval': '#52c41a',
  'question-classifier': '#52c41a',
  'parameter-extractor': '#eb2f96',
  iteration: '#faad14',
  loop: '#faad14',
  tool: '#1677ff',
  agent: '#722ed1',
};

/** The branches a node's edges leave from (Dify's sourceHandle ids). */
export function sourceHandles(data: Record<string, unknown>): Array<{ id: string; label?: string }> {
  if (data.type === 'if-else') {
    const cases = (data.cases as Array<{ case_id: string }> | undefined) ?? [];
    return [...cases.map((c, i) => ({ id: c.case_id, label: i === 0 ? 'IF' : 'ELIF' })), { id: 'false', label: 'ELSE' }];
  }
  if (data.type === 'question-classifier') {
    return ((data.classes as Array<{ id: string; name: string }> | undefined) ?? []).map((c) => ({ id: c.id, label: c.name }));
  }
  if (data.type === 'end' || data.type === 'answer') return data.type === 'answer' ? [{ id: 'source' }] : [];
  return [{ id: 'source' }];
}
