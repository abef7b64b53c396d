import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Flex, Input, Pagination, Switch, Tag, Typography } from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useAction } from '../../components/actions';
import { PageState } from '../../components/PageState';

/** A document's segments: read, edit, disable, add. */
export function Segments({ datasetId, documentId }: { datasetId: string; documentId: string }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<{ id: string | null; content: string } | null>(null);
  const path = { dataset_id: datasetId, document_id: documentId };
  const key = ['segments', documentId, page];
  const segments = useQuery({
    queryKey: key,
    queryFn: () =>
      unwrap(
        api.GET('/datasets/{dataset_id}/documents/{document_id}/segments', {
          params: { path, query: { current_page: page, page_size: 10 } },
        }),
      ),
  });
  const action = useAction();
  const run = (work: () => Promise<unknown>) => action(work, { refresh: [['segments', documentId]] });
  const save = () =>
    run(async () => {
      if (!editing) return;
      if (editing.id)
        await unwrap(
          api.POST('/datasets/{dataset_id}/documents/{document_id}/segments/{segment_id}', {
            params: { path: { ...path, segment_id: editing.id } },
            body: { content: editing.content },
          }),
        );
      else
        await unwrap(
          api.POST('/datasets/{dataset_id}/documents/{document_id}/segments', { params: { path }, body: { content: editing.content } }),
        );
      setEditing(null);
    });
  return (
    <PageState query={segments}>
      <Button icon={<PlusOutlined />} onClick={() => setEditing({ id: null, content: '' })} style={{ marginBottom: 12 }}>
        {t('knowledge.addSegment')}
      </Button>
      {editing && (
        <Card size="small" style={{ marginBottom: 12 }}>
          <Input.TextArea
            autoSize={{ minRows: 4, maxRows: 16 }}
            value={editing.content}
            onChange={(e) => setEditing({ ...editing, content: e.target.value })}
          />
          <Flex justify="end" gap={8} style={{ marginTop: 8 }}>
            <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
            <Button type="primary" disabled={!editing.content.trim()} onClick={() => void save()}>
              {t('common.save')}
            </Button>
          </Flex>
        </Card>
      )}
      <Flex vertical gap={8}>
        {segments.data?.list.map((s) => (
          <Card
            key={s.id}
            size="small"
            title={<Tag>#{s.position}</Tag>}
            extra={
              <Flex gap={8} align="center">
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('knowledge.segmentStats', { chars: s.character_count, hits: s.hit_count })}
                </Typography.Text>
                <Button
                  size="small"
                  type="text"
                  icon={<EditOutlined />}
                  aria-label={t('common.edit')}
                  onClick={() => setEditing({ id: s.id, content: s.content })}
                />
                <Switch
                  size="small"
                  checked={s.enabled}
                  onChange={(enabled) =>
                    void run(() =>
                      unwrap(
                        api.POST('/datasets/{dataset_id}/documents/{document_id}/segments/{segment_id}/enabled', {
                          params: { path: { ...path, segment_id: s.id } },
                          body: { enabled },
                        }),
                      ),
                    )
                  }
                />
              </Flex>
            }
          >
            <Typography.Paragraph
              ellipsis={{ rows: 4, expandable: true }}
              style={{ whiteSpace: 'pre-wrap', margin: 0 }}
              type={s.enabled ? undefined : 'secondary'}
            >
              {s.content}
            </Typography.Paragraph>
          </Card>
        ))}
      </Flex>
      <Pagination
        style={{ marginTop: 12 }}
        size="small"
        current={page}
        pageSize={10}
        total={segments.data?.paginator.total_record ?? 0}
        onChange={setPage}
      />
    </PageState>
  );
}
