import { Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useProviders } from '../../../api/hooks';

interface LlmSettings {
  model?: { provider?: string; name?: string; mode?: string; completion_params?: Record<string, unknown> };
  prompt_template?: Array<{ role: string; text: string }> | { text: string };
}

/**
 * An LLM node's model and prompts as form fields over its Dify JSON: a change here rewrites the JSON,
 * the rest of the settings stay as they are.
 */
export function LlmFields({ json, onChange }: { json: string; onChange: (json: string) => void }) {
  const { t } = useTranslation();
  const providers = useProviders();
  let settings: LlmSettings;
  try {
    settings = JSON.parse(json) as LlmSettings;
  } catch {
    return null;
  }
  const update = (change: (s: LlmSettings) => void) => {
    const next = structuredClone(settings);
    change(next);
    onChange(JSON.stringify(next, null, 2));
  };
  const options = (providers.data ?? [])
    .filter((p) => p.credential.configured)
    .map((p) => ({
      label: p.label,
      options: p.models.filter((m) => m.model_type === 'chat').map((m) => ({ value: `${p.provider}::${m.model}`, label: m.label })),
    }));
  const messages = Array.isArray(settings.prompt_template) ? settings.prompt_template : [];
  return (
    <Form layout="vertical" size="small">
      <Form.Item label={t('editor.model')}>
        <Select
          showSearch
          optionFilterProp="label"
          data-testid="llm-model"
          value={settings.model?.provider && settings.model.name ? `${settings.model.provider}::${settings.model.name}` : undefined}
          options={options}
          onChange={(value: string) => {
            const [provider = '', name = ''] = value.split('::');
            update((s) => {
              s.model = { mode: 'chat', completion_params: {}, ...s.model, provider, name };
            });
          }}
        />
      </Form.Item>
      {messages.map((message, index) => (
        <Form.Item key={index} label={t(`workflow.roles.${message.role}`, { defaultValue: message.role })}>
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 8 }}
            value={message.text}
            data-testid={`llm-prompt-${index}`}
            onChange={(e) =>
              update((s) => {
                (s.prompt_template as Array<{ role: string; text: string }>)[index]!.text = e.target.value;
              })
            }
          />
        </Form.Item>
      ))}
    </Form>
  );
}
