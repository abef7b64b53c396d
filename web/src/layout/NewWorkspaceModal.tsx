import { useState } from 'react';
import { App, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';

/** Names and makes a workspace; the shell then switches to it. */
export default function NewWorkspaceModal({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [name, setName] = useState('');
  const create = async () => {
    if (!name.trim()) return;
    try {
      const made = await unwrap(api.POST('/workspaces', { body: { name: name.trim() } }));
      onCreated(made.id);
    } catch (err) {
      message.error((err as Error).message);
    }
  };
  return (
    <Modal
      open
      title={t('shell.newWorkspace')}
      onCancel={onClose}
      onOk={() => void create()}
      okButtonProps={{ disabled: !name.trim() }}
      destroyOnHidden
    >
      <Input
        placeholder={t('shell.workspaceName')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        onPressEnter={() => void create()}
        autoFocus
      />
    </Modal>
  );
}
