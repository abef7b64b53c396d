import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Flex, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { NewPasswordField } from '../auth/AccountFields';
import { api, unwrap } from '../../api/client';
import { useAccount } from '../../api/hooks';
import { formatTime } from '../../components/format';
import { PageState } from '../../components/PageState';
import { AccountAvatar } from '../../components/AccountAvatar';

export default function AccountPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const account = useAccount();
  const [passwordForm] = Form.useForm();
  const rename = async ({ name }: { name: string }) => {
    try {
      await unwrap(api.POST('/account/name', { body: { name } }));
      await queryClient.invalidateQueries({ queryKey: ['account'] });
      message.success(t('account.saved'));
    } catch (err) {
      message.error((err as Error).message);
    }
  };
  const changeAvatar = async ({ avatar }: { avatar?: string }) => {
    try {
      await unwrap(api.POST('/account/avatar', { body: { avatar: avatar?.trim() ?? '' } }));
      await queryClient.invalidateQueries({ queryKey: ['account'] });
      message.success(t('account.saved'));
    } catch (err) {
      message.error((err as Error).message);
    }
  };
  const changePassword = async (values: { old_password?: string; new_password: string }) => {
    try {
      await unwrap(
        api.POST('/account/password', { body: { old_password: values.old_password || undefined, new_password: values.new_password } }),
      );
      passwordForm.resetFields();
      message.success(t('account.passwordChanged'));
    } catch (err) {
      message.error((err as Error).message);
    }
  };
  return (
    <PageState query={account}>
      {account.data && (
        <Flex vertical gap={16} style={{ maxWidth: 640 }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('account.title')}
          </Typography.Title>
          <Card>
            <Flex gap={16} align="center" style={{ marginBottom: 16 }}>
              <AccountAvatar account={account.data} size={56} />
              <Descriptions
                column={1}
                size="small"
                items={[
                  { key: 'email', label: t('auth.email'), children: account.data.email },
                  { key: 'since', label: t('account.since'), children: formatTime(account.data.created_at) },
                ]}
              />
            </Flex>
            <Form layout="inline" onFinish={rename} initialValues={{ name: account.data.name }}>
              <Form.Item name="name" label={t('auth.name')} rules={[{ required: true, whitespace: true }]}>
                <Input />
              </Form.Item>
              <Button htmlType="submit">{t('common.save')}</Button>
            </Form>
          </Card>
          <Card title={t('account.avatar')}>
            <Form layout="inline" onFinish={changeAvatar} initialValues={{ avatar: account.data.avatar }}>
              <Form.Item name="avatar" extra={t('account.avatarHint')} style={{ flex: 1 }}>
                <Input placeholder="https://… or 🦊" allowClear />
              </Form.Item>
              <Button htmlType="submit">{t('common.save')}</Button>
            </Form>
          </Card>
          <Card title={t('account.password')}>
            <Form form={passwordForm} layout="vertical" onFinish={changePassword}>
              <Form.Item name="old_password" label={t('account.oldPassword')} extra={t('account.oldPasswordHint')}>
                <Input.Password autoComplete="current-password" />
              </Form.Item>
              <NewPasswordField name="new_password" label={t('account.newPassword')} />
              <Button type="primary" htmlType="submit">
                {t('account.changePassword')}
              </Button>
            </Form>
          </Card>
        </Flex>
      )}
    </PageState>
  );
}
