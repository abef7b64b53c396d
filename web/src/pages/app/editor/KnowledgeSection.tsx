import { useQuery } from '@tanstack/react-query';
import { Col, Form, InputNumber, Row, Select, Slider } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../../api/client';

export function KnowledgeSection() {
  const { t } = useTranslation();
  const datasets = useQuery({
    queryKey: ['datasets', 'all'],
    queryFn: () => unwrap(api.GET('/datasets', { params: { query: { current_page: 1, page_size: 100 } } })),
  });
  return (
    <>
      <Form.Item name="datasets" label={t('editor.datasets')}>
        <Select
          mode="multiple"
          data-testid="dataset-select"
          optionFilterProp="label"
          placeholder={t('editor.pickDatasets')}
          loading={datasets.isPending}
          options={datasets.data?.list.map((d) => ({ value: d.id, label: d.name }))}
        />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} md={10}>
          <Form.Item name={['retrieval_config', 'retrieval_strategy']} label={t('editor.strategy')}>
            <Select
              options={(['semantic', 'full_text', 'hybrid'] as const).map((s) => ({ value: s, label: t(`knowledge.strategies.${s}`) }))}
            />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name={['retrieval_config', 'k']} label={t('editor.topK')}>
            <InputNumber min={1} max={10} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={12} md={8}>
          <Form.Item name={['retrieval_config', 'score']} label={t('editor.minScore')}>
            <Slider min={0} max={1} step={0.01} />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}
