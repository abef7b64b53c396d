import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Modal, Upload, type UploadFile } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, authHeaders, unwrap } from '../../api/client';

const ACCEPT = '.txt,.md,.markdown,.pdf,.docx,.html,.htm,.csv,.json';

/** Uploads files with per-file progress, then adds them to the dataset as documents to index. */
export function UploadDocuments({ datasetId, onClose }: { datasetId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [busy, setBusy] = useState(false);
  const uploaded = files.filter((f) => f.status === 'done').map((f) => (f.response as { data: { id: string } }).data.id);
  const pending = files.some((f) => f.status === 'uploading');
  const add = async () => {
    setBusy(true);
    try {
      await unwrap(
        api.POST('/datasets/{dataset_id}/documents', {
          params: { path: { dataset_id: datasetId } },
          body: { upload_file_ids: uploaded, process_type: 'automatic' },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: ['documents', datasetId] });
      message.success(t('knowledge.indexingStarted', { count: uploaded.length }));
      onClose();
    } catch (err) {
      message.error((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('knowledge.upload')}
      onCancel={onClose}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button
          key="add"
          type="primary"
          loading={busy}
          disabled={uploaded.length === 0 || pending}
          onClick={() => void add()}
          data-testid="add-documents"
        >
          {t('knowledge.addDocuments', { count: uploaded.length })}
        </Button>,
      ]}
    >
      <Upload.Dragger
        name="file"
        multiple
        accept={ACCEPT}
        action="/upload-files/file"
        headers={authHeaders()}
        fileList={files}
        onChange={({ fileList }) =>
          setFiles(
            fileList.map((f) =>
              f.status === 'error' ? { ...f, response: (f.response as { message?: string } | undefined)?.message ?? f.response } : f,
            ),
          )
        }
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{t('knowledge.dropFiles')}</p>
        <p className="ant-upload-hint">{ACCEPT.replaceAll(',', ' ')}</p>
      </Upload.Dragger>
    </Modal>
  );
}
