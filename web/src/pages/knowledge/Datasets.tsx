import { useEffect, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { App, Button, Card, Col, Empty, Flex, Form, Input, Modal, Pagination, Radio, Row, Select, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { FormFooter } from '../../components/FormFooter';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useProviders } from '../../api/hooks';
import type { Dataset } from '../../api/types';
import { useAction, useConfirmDelete } from '../../components/actions';
import { PageState } from '../../components/PageState';

const PAGE_SIZE = 12;

function CreateDatasetModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const providers = useProviders();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();
  const technique = Form.useWatch('indexing_technique', form) as string | undefined;
  const embeddings = (providers.data ?? [])
    .filter((p) => p.credential.configured)
    .map((p) => ({
      label: p.label,
      options: p.models.filter((m) => m.model_type === 'embedding').map((m) => ({ value: `${p.provider}::${m.model}`, label: m.label })),
    }))
    .filter((g) => g.options.length > 0);
  const canEmbed = embeddings.length > 0;
  // The providers may arrive after the dialog opened: high quality becomes the default then, unless already chosen.
  useEffect(() => {
    if (canEmbed && !form.isFieldTouched('indexing_technique')) form.setFieldValue('indexing_technique', 'high_quality');
  }, [canEmbed, form]);
  const create = async (values: {
    name: string;
    description?: string;
    indexing_technique: 'economy' | 'high_quality';
    embedding?: string;
  }) => {
    setBusy(true);
    try {
      const [provider = '', model = ''] = values.embedding?.split('::') ?? [];
      const dataset = await unwrap(
        api.POST('/datasets', {
          body: {
            name: values.name,
            description: values.description,
            indexing_technique: values.indexing_technique,
            embedding_model: values.indexing_technique === 'high_quality' ? { provider, model } : undefined,
          },
        }),
      );
      void navigate(`/knowledge/${dataset.id}`);
    } catch (err) {
      message.error((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('knowledge.create')} onCancel={onClose} footer={null} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={create} initialValues={{ indexing_technique: canEmbed ? 'high_quality' : 'economy' }}>
        <Form.Item
          name="name"
          label={t('knowledge.name')}
          rules={[{ required: true, whitespace: true, message: t('knowledge.nameRequired') }]}
        >
          <Input autoFocus />
        </Form.Item>
        <Form.Item name="description" label={t('knowledge.description')}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item name="indexing_technique" label={t('knowledge.technique')}>
          <Radio.Group>
            <Radio value="high_quality">{t('knowledge.highQuality')}</Radio>
            <Radio value="economy">{t('knowledge.economy')}</Radio>
          </Radio.Group>
        </Form.Item>
        {technique === 'high_quality' && (
          <Form.Item
            name="embedding"
            label={t('knowledge.embeddingModel')}
            rules={[{ required: true, message: t('knowledge.embeddingRequired') }]}
          >
            <Select options={embeddings} notFoundContent={t('knowledge.noEmbedding')} />
          </Form.Item>
        )}
        <FormFooter onCancel={onClose} busy={busy} okText={t('common.create')} />
      </Form>
    </Modal>
  );
}

export default function Datasets() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const datasets = useQuery({
    queryKey: ['datasets', page],
    queryFn: () => unwrap(api.GET('/datasets', { params: { query: { current_page: page, page_size: PAGE_SIZE } } })),
    placeholderData: keepPreviousData,
  });
  const action = useAction();
  const confirmDelete = useConfirmDelete();
  const remove = (dataset: Dataset) =>
    confirmDelete(
      t('knowledge.deleteTitle', { name: dataset.name }),
      () =>
        action(() => unwrap(api.POST('/datasets/{dataset_id}/delete', { params: { path: { dataset_id: dataset.id } } })), {
          refresh: [['datasets']],
        }),
      { content: t('knowledge.deleteBody') },
    );

  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('knowledge.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('knowledge.create')}
        </Button>
      </Flex>
      <PageState query={datasets}>
        {datasets.data?.list.length === 0 ? (
          <Empty description={t('knowledge.empty')} />
        ) : (
          <Row gutter={[16, 16]}>
            {datasets.data?.list.map((d) => (
              <Col key={d.id} xs={24} sm={12} lg={8} xl={6}>
                <Card
                  hoverable
                  onClick={() => navigate(`/knowledge/${d.id}`)}
                  actions={[
                    <DeleteOutlined
                      key="delete"
                      aria-label={t('common.delete')}
                      onClick={(e) => {
                        e.stopPropagation();
                        remove(d);
                      }}
                    />,
                  ]}
                >
                  <Card.Meta
                    title={d.name}
                    description={
                      <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: 0 }}>
                        {d.description || ' '}
                      </Typography.Paragraph>
                    }
                  />
                  <Flex gap={4} wrap style={{ marginTop: 12 }}>
                    <Tag>{t('knowledge.documents', { count: d.document_count })}</Tag>
                    <Tag>{t(d.indexing_technique === 'high_quality' ? 'knowledge.highQuality' : 'knowledge.economy')}</Tag>
                  </Flex>
                </Card>
              </Col>
            ))}
          </Row>
        )}
        {(datasets.data?.paginator.total_page ?? 1) > 1 && (
          <Pagination
            style={{ marginTop: 16, textAlign: 'center' }}
            current={page}
            pageSize={PAGE_SIZE}
            total={datasets.data?.paginator.total_record}
            onChange={setPage}
          />
        )}
      </PageState>
      {creating && <CreateDatasetModal onClose={() => setCreating(false)} />}
    </>
  );
}
