import { useState } from 'react';
import { DeleteButton } from '../../components/DeleteButton';
import { useQuery } from '@tanstack/react-query';
import { Breadcrumb, Button, Drawer, Flex, Progress, Switch, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { DocumentItem } from '../../api/types';
import { formatTime } from '../../components/format';
import { useAction, useConfirmDelete } from '../../components/actions';
import { PageState } from '../../components/PageState';
import { tablePaging } from '../../components/CardGrid';
import { HitTest } from './HitTest';
import { Segments } from './Segments';
import { UploadDocuments } from './UploadDocuments';

const STATUS_COLOR: Record<string, string> = { completed: 'success', error: 'error', waiting: 'default' };

export default function DatasetDetail() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { datasetId = '', tab = 'documents' } = useParams();
  const [page, setPage] = useState(1);
  const [uploading, setUploading] = useState(false);
  const [open, setOpen] = useState<DocumentItem | null>(null);
  const path = { dataset_id: datasetId };
  const dataset = useQuery({
    queryKey: ['dataset', datasetId],
    queryFn: () => unwrap(api.GET('/datasets/{dataset_id}', { params: { path } })),
  });
  const documents = useQuery({
    queryKey: ['documents', datasetId, page],
    queryFn: () => unwrap(api.GET('/datasets/{dataset_id}/documents', { params: { path, query: { current_page: page, page_size: 20 } } })),
    // Live indexing status: poll while any document is still being worked on.
    refetchInterval: (query) => (query.state.data?.list.some((d) => d.status !== 'completed' && d.status !== 'error') ? 1500 : false),
  });
  const action = useAction();
  const run = (work: () => Promise<unknown>) => action(work, { refresh: [['documents', datasetId]] });
  const confirmDelete = useConfirmDelete();
  const remove = (doc: DocumentItem) =>
    confirmDelete(t('knowledge.deleteDocTitle', { name: doc.name }), () =>
      run(() =>
        unwrap(api.POST('/datasets/{dataset_id}/documents/{document_id}/delete', { params: { path: { ...path, document_id: doc.id } } })),
      ),
    );

  return (
    <PageState query={dataset}>
      <Breadcrumb items={[{ title: <Link to="/knowledge">{t('shell.knowledge')}</Link> }, { title: dataset.data?.name }]} />
      <Typography.Title level={3} style={{ margin: '8px 0' }}>
        {dataset.data?.name}
      </Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(key) => navigate(`/knowledge/${datasetId}/${key}`)}
        items={[
          { key: 'documents', label: t('knowledge.documentsTab') },
          { key: 'hit-testing', label: t('knowledge.hitTesting') },
        ]}
      />
      {tab === 'hit-testing' ? (
        <HitTest datasetId={datasetId} semantic={dataset.data?.indexing_technique === 'high_quality'} />
      ) : (
        <>
          <Flex justify="end" style={{ marginBottom: 12 }}>
            <Button type="primary" icon={<UploadOutlined />} onClick={() => setUploading(true)} data-testid="upload-documents">
              {t('knowledge.upload')}
            </Button>
          </Flex>
          <Table
            size="small"
            rowKey="id"
            loading={documents.isPending}
            dataSource={documents.data?.list ?? []}
            locale={{ emptyText: t('knowledge.noDocuments') }}
            pagination={tablePaging(page, documents.data?.paginator.total_record, setPage)}
            columns={[
              {
                title: t('knowledge.docName'),
                dataIndex: 'name',
                render: (name: string, doc) => <Typography.Link onClick={() => setOpen(doc)}>{name}</Typography.Link>,
              },
              {
                title: t('knowledge.status'),
                dataIndex: 'status',
                render: (status: string, doc) =>
                  status === 'indexing' && doc.segment_count > 0 ? (
                    <Progress
                      percent={Math.round((doc.indexed_segment_count / doc.segment_count) * 100)}
                      size="small"
                      style={{ width: 120 }}
                    />
                  ) : (
                    <Tooltip title={doc.error || undefined}>
                      <Tag color={STATUS_COLOR[status] ?? 'processing'} data-testid="document-status">
                        {t(`knowledge.statuses.${status}`)}
                      </Tag>
                    </Tooltip>
                  ),
              },
              { title: t('knowledge.segments'), dataIndex: 'segment_count' },
              { title: t('knowledge.characters'), dataIndex: 'character_count' },
              { title: t('common.createdAt'), dataIndex: 'created_at', render: (v: number) => formatTime(v) },
              {
                title: t('knowledge.enabled'),
                dataIndex: 'enabled',
                render: (enabled: boolean, doc) => (
                  <Switch
                    size="small"
                    checked={enabled}
                    onChange={(value) =>
                      void run(() =>
                        unwrap(
                          api.POST('/datasets/{dataset_id}/documents/{document_id}/enabled', {
                            params: { path: { ...path, document_id: doc.id } },
                            body: { enabled: value },
                          }),
                        ),
                      )
                    }
                  />
                ),
              },
              {
                key: 'actions',
                render: (_, doc) => <DeleteButton label={t('common.delete')} onClick={() => remove(doc)} />,
              },
            ]}
          />
        </>
      )}
      {uploading && <UploadDocuments datasetId={datasetId} onClose={() => setUploading(false)} />}
      <Drawer open={open !== null} onClose={() => setOpen(null)} size={Math.min(760, window.innerWidth)} title={open?.name} destroyOnHidden>
        {open && <Segments datasetId={datasetId} documentId={open.id} />}
      </Drawer>
    </PageState>
  );
}
