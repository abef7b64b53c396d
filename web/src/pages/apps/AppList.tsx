import { lazy, Suspense, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Col, Dropdown, Empty, Flex, Row, Tag, theme } from 'antd';
// The plain input: the package's index also brings the text area, password and search inputs.
import Input from 'antd/es/input/Input';
import { CopyOutlined, DeleteOutlined, EllipsisOutlined, ImportOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useRole } from '../../api/hooks';
import type { AppItem } from '../../api/types';
import { useAction, useConfirmDelete } from '../../components/actions';
import { PageState } from '../../components/PageState';
import { Pager } from '../../components/Pager';
import { Tile } from '../../components/Tile';

// Loaded when used: the list's first paint does not need the form.
const CreateAppModal = lazy(() => import('./CreateAppModal'));
const ImportDslModal = lazy(() => import('./ImportDslModal'));

const PAGE_SIZE = 12;

export default function AppList() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { canBuild } = useRole();
  const { token } = theme.useToken();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const apps = useQuery({
    queryKey: ['apps', search, page],
    queryFn: () =>
      unwrap(api.GET('/apps', { params: { query: { current_page: page, page_size: PAGE_SIZE, search_word: search || undefined } } })),
    placeholderData: keepPreviousData,
  });

  const action = useAction();
  const confirmDelete = useConfirmDelete();
  const copy = (app: AppItem) =>
    action(() => unwrap(api.POST('/apps/{app_id}/copy', { params: { path: { app_id: app.id } } })), {
      refresh: [['apps']],
      done: t('apps.copied', { name: app.name }),
    });
  const remove = (app: AppItem) =>
    confirmDelete(
      t('apps.deleteTitle', { name: app.name }),
      () =>
        action(() => unwrap(api.POST('/apps/{app_id}/delete', { params: { path: { app_id: app.id } } })), {
          refresh: [['apps']],
          done: t('apps.deleted'),
        }),
      { content: t('apps.deleteBody') },
    );

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
        <h3 style={{ margin: 0, fontSize: 24, fontWeight: 600, color: token.colorText }}>{t('apps.title')}</h3>
        <Flex gap={8}>
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('apps.search')}
            onPressEnter={(e) => {
              setSearch(e.currentTarget.value.trim());
              setPage(1);
            }}
            onChange={(e) => {
              if (!e.target.value && search) {
                setSearch('');
                setPage(1);
              }
            }}
            style={{ width: 240 }}
            data-testid="app-search"
          />
          {canBuild && (
            <>
              <Button icon={<ImportOutlined />} onClick={() => setImporting(true)}>
                {t('apps.importDsl')}
              </Button>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                {t('apps.create')}
              </Button>
            </>
          )}
        </Flex>
      </Flex>
      <PageState query={apps}>
        {apps.data?.list.length === 0 ? (
          <Empty description={search ? t('apps.noMatch') : t('apps.empty')}>
            {canBuild && !search && (
              <Button type="primary" onClick={() => setCreating(true)}>
                {t('apps.create')}
              </Button>
            )}
          </Empty>
        ) : (
          <Row gutter={[16, 16]}>
            {apps.data?.list.map((app) => (
              <Col key={app.id} xs={24} sm={12} lg={8} xl={6}>
                <Tile onClick={() => void navigate(`/app/${app.id}/configure`)} testId="app-card">
                  <Flex justify="space-between" align="start">
                    <Flex gap={12} style={{ minWidth: 0 }}>
                      <span style={{ fontSize: 28, lineHeight: 1 }}>{app.icon.startsWith('http') ? '🖼️' : app.icon}</span>
                      <div style={{ minWidth: 0 }}>
                        <div
                          style={{
                            fontWeight: 600,
                            fontSize: 16,
                            color: token.colorText,
                            overflow: 'hidden',
                            textOverflow: 'ellipsis',
                            whiteSpace: 'nowrap',
                          }}
                        >
                          {app.name}
                        </div>
                        <div className="clamp-2" style={{ color: token.colorTextSecondary }}>
                          {app.description || t('apps.noDescription')}
                        </div>
                      </div>
                    </Flex>
                    {canBuild && (
                      <div onClick={(e) => e.stopPropagation()}>
                        <Dropdown
                          trigger={['click']}
                          menu={{
                            items: [
                              { key: 'copy', icon: <CopyOutlined />, label: t('apps.copy'), onClick: () => void copy(app) },
                              {
                                key: 'delete',
                                icon: <DeleteOutlined />,
                                danger: true,
                                label: t('common.delete'),
                                onClick: () => void remove(app),
                              },
                            ],
                          }}
                        >
                          <Button type="text" size="small" icon={<EllipsisOutlined />} aria-label={t('common.more')} />
                        </Dropdown>
                      </div>
                    )}
                  </Flex>
                  <Flex gap={4} style={{ marginTop: 12 }}>
                    <Tag>{t(`apps.modes.${app.mode}`)}</Tag>
                    {app.status === 'published' && <Tag color="green">{t('apps.published')}</Tag>}
                  </Flex>
                </Tile>
              </Col>
            ))}
          </Row>
        )}
        <Pager page={page} totalPages={apps.data?.paginator.total_page ?? 1} onChange={setPage} />
      </PageState>
      {importing && (
        <Suspense>
          <ImportDslModal onClose={() => setImporting(false)} />
        </Suspense>
      )}
      {creating && (
        <Suspense>
          <CreateAppModal onClose={() => setCreating(false)} />
        </Suspense>
      )}
    </>
  );
}
