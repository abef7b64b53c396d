import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Modal, Select, Table, Tag, Typography } from 'antd';
import { UserAddOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useAccount, useRole } from '../../api/hooks';
import type { PostData } from '../../api/types';
import { formatTime } from '../../components/format';

const ASSIGNABLE = ['admin', 'editor', 'normal', 'dataset_operator'] as const;

export default function Members() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const { canManage, role: myRole } = useRole();
  const me = useAccount();
  const [inviting, setInviting] = useState(false);
  const [invited, setInvited] = useState<PostData<'/workspaces/current/members/invite'>['invitations'] | null>(null);
  const members = useQuery({ queryKey: ['members'], queryFn: () => unwrap(api.GET('/workspaces/current/members')) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['members'] });
  const run = async (work: () => Promise<unknown>, done?: string) => {
    try {
      await work();
      if (done) message.success(done);
      await refresh();
    } catch (err) {
      message.error((err as Error).message);
    }
  };
  const invite = async (values: { emails: string[]; role: (typeof ASSIGNABLE)[number] }) => {
    try {
      const result = await unwrap(api.POST('/workspaces/current/members/invite', { body: values }));
      setInviting(false);
      setInvited(result.invitations);
      await refresh();
    } catch (err) {
      message.error((err as Error).message);
    }
  };
  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('members.title')}
        </Typography.Title>
        {canManage && (
          <Button type="primary" icon={<UserAddOutlined />} onClick={() => setInviting(true)}>
            {t('members.invite')}
          </Button>
        )}
      </Flex>
      <Card size="small">
        <Table
          rowKey="id"
          size="small"
          loading={members.isPending}
          dataSource={members.data?.list ?? []}
          pagination={false}
          columns={[
            { title: t('auth.name'), dataIndex: 'name' },
            { title: t('auth.email'), dataIndex: 'email' },
            {
              title: t('members.role'),
              dataIndex: 'role',
              render: (role: string, m) =>
                canManage && role !== 'owner' && m.id !== me.data?.id ? (
                  <Select
                    size="small"
                    value={role as (typeof ASSIGNABLE)[number]}
                    style={{ width: 150 }}
                    options={ASSIGNABLE.filter((r) => myRole === 'owner' || r !== 'admin').map((r) => ({
                      value: r,
                      label: t(`roles.${r}`),
                    }))}
                    onChange={(value: (typeof ASSIGNABLE)[number]) =>
                      void run(
                        () =>
                          unwrap(
                            api.POST('/workspaces/current/members/{account_id}/role', {
                              params: { path: { account_id: m.id } },
                              body: { role: value },
                            }),
                          ),
                        t('members.roleChanged'),
                      )
                    }
                  />
                ) : (
                  <Tag>{t(`roles.${role}`)}</Tag>
                ),
            },
            { title: t('members.lastActive'), dataIndex: 'last_active_at', render: (v: number | null) => (v ? formatTime(v) : '—') },
            {
              key: 'actions',
              render: (_, m) =>
                canManage &&
                m.role !== 'owner' &&
                m.id !== me.data?.id && (
                  <Button
                    size="small"
                    danger
                    type="text"
                    onClick={() =>
                      modal.confirm({
                        title: t('members.removeTitle', { name: m.name }),
                        okButtonProps: { danger: true },
                        okText: t('members.remove'),
                        cancelText: t('common.cancel'),
                        onOk: () =>
                          run(
                            () =>
                              unwrap(
                                api.POST('/workspaces/current/members/{account_id}/delete', { params: { path: { account_id: m.id } } }),
                              ),
                            t('members.removed'),
                          ),
                      })
                    }
                  >
                    {t('members.remove')}
                  </Button>
                ),
            },
          ]}
        />
      </Card>
      <Modal open={inviting} title={t('members.invite')} onCancel={() => setInviting(false)} footer={null} destroyOnHidden>
        <Form layout="vertical" onFinish={invite} initialValues={{ role: 'normal' }}>
          <Form.Item name="emails" label={t('members.emails')} rules={[{ required: true, message: t('members.emailsRequired') }]}>
            <Select mode="tags" open={false} tokenSeparators={[',', ' ']} placeholder="name@example.com" />
          </Form.Item>
          <Form.Item name="role" label={t('members.role')}>
            <Select
              options={ASSIGNABLE.filter((r) => myRole === 'owner' || r !== 'admin').map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" block>
            {t('members.send')}
          </Button>
        </Form>
      </Modal>
      <Modal
        open={invited !== null}
        title={t('members.invitedTitle')}
        onCancel={() => setInvited(null)}
        onOk={() => setInvited(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
      >
        {invited?.map((i) => (
          <Alert
            key={i.email}
            style={{ marginBottom: 8 }}
            type={i.status === 'already_member' ? 'info' : 'success'}
            title={
              i.status === 'already_member' ? t('members.alreadyMember', { email: i.email }) : t('members.invitedOne', { email: i.email })
            }
            description={i.url ? <Typography.Text copyable>{i.url}</Typography.Text> : undefined}
          />
        ))}
      </Modal>
    </>
  );
}
