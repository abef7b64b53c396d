import { Col, Form, InputNumber, Row, Select, Slider, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useProviders } from '../../../api/hooks';
import { useMarkDirty } from './dirty';

/** The chat models of configured providers, and the chosen model's parameters from its template. */
export function ModelPicker() {
  const { t } = useTranslation();
  const providers = useProviders();
  const form = Form.useFormInstance();
  const markDirty = useMarkDirty();
  const choice = Form.useWatch(['model_config', 'provider'], { form, preserve: true }) as string | undefined;
  const model = Form.useWatch(['model_config', 'model'], { form, preserve: true }) as string | undefined;
  const all = providers.data ?? [];
  const usable = all.filter((p) => p.credential.configured);
  // Every provider is listed so a saved model always shows its name; only configured ones can be picked.
  const options = [...usable, ...all.filter((p) => !p.credential.configured)].map((p) => ({
    label: p.credential.configured ? p.label : `${p.label} · ${t('models.notConfigured')}`,
    options: p.models
      .filter((m) => m.model_type === 'chat')
      .map((m) => ({ value: `${p.provider}::${m.model}`, label: m.label, disabled: !p.credential.configured })),
  }));
  const spec = all.find((p) => p.provider === choice)?.models.find((m) => m.model === model);
  return (
    <>
      <Form.Item
        label={t('editor.model')}
        required
        extra={usable.length === 0 ? <Link to="/settings/models">{t('editor.noProvider')}</Link> : undefined}
      >
        <Select
          showSearch
          data-testid="model-select"
          optionFilterProp="label"
          value={choice && model ? `${choice}::${model}` : undefined}
          placeholder={t('editor.pickModel')}
          options={options}
          loading={providers.isPending}
          onChange={(value: string) => {
            const [provider, name] = value.split('::');
            form.setFieldValue('model_config', { provider, model: name, parameters: {} });
            markDirty();
          }}
        />
      </Form.Item>
      {spec && Object.keys(spec.parameters).length > 0 && (
        <Row gutter={16}>
          {Object.entries(spec.parameters).map(([name, rule]) => {
            const step = Number.isInteger(rule.max) && rule.max > 10 ? 1 : 0.01;
            return (
              <Col key={name} xs={24} md={12}>
                <Typography.Text type="secondary">{t(`editor.params.${name}`, { defaultValue: name })}</Typography.Text>
                <Row gutter={8} align="middle">
                  <Col flex="auto">
                    <Form.Item name={['model_config', 'parameters', name]} noStyle>
                      <Slider min={rule.min} max={rule.max} step={step} />
                    </Form.Item>
                  </Col>
                  <Col flex="96px">
                    <Form.Item name={['model_config', 'parameters', name]} noStyle>
                      <InputNumber min={rule.min} max={rule.max} step={step} placeholder={String(rule.default)} style={{ width: 96 }} />
                    </Form.Item>
                  </Col>
                </Row>
              </Col>
            );
          })}
        </Row>
      )}
    </>
  );
}
