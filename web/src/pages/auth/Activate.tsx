import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { NameField, NewPasswordField } from './AccountFields';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { session } from '../../api/session';
import { AuthCard } from './AuthCard';

/**
 * An invitation link (`/activate?token=...`): a new person makes their account with it; someone
 * signed in joins the workspace with the account the invitation was sent to.
 */
export default function Activate() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [error, setError] = useState<string | null>(token ? null : t('invite.noToken'));
  const [busy, setBusy] = useState(false);
  const signedIn = Boolean(session.token());

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      queryClient.clear();
      void navigate('/studio', { replace: true });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const activate = (values: { name: string; password: string }) =>
    run(async () => {
      const { access_token } = await unwrap(api.POST('/invitations/activate', { body: { token, ...values } }));
      session.signIn(access_token);
    });
  const accept = () =>
    run(async () => {
      const joined = await unwrap(api.POST('/invitations/accept', { body: { token } }));
      await unwrap(api.POST('/workspaces/switch', { body: { workspace_id: joined.workspace_id } }));
    });

  return (
    <AuthCard title={t('invite.title')}>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      {signedIn ? (
        <>
          <Typography.Paragraph>{t('invite.joinSignedIn')}</Typography.Paragraph>
          <Button type="primary" block loading={busy} disabled={!token} onClick={() => void accept()} data-testid="accept-invitation">
            {t('invite.join')}
          </Button>
        </>
      ) : (
        <>
          <Form layout="vertical" onFinish={activate} requiredMark={false} disabled={!token}>
            <NameField />
            <NewPasswordField />
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('invite.createAndJoin')}
            </Button>
          </Form>
          <div style={{ marginTop: 16, textAlign: 'center' }}>
            {t('auth.haveAccount')} <Link to={`/signin?next=${encodeURIComponent(`/activate?token=${token}`)}`}>{t('auth.signIn')}</Link>
          </div>
        </>
      )}
    </AuthCard>
  );
}
