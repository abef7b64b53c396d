import { useCallback, useState } from 'react';
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { App } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * Runs a change against the API: on success says so (when told) and refreshes the given queries; on
 * failure shows the server's message. Answers whether it worked.
 */
export function useAction() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  return useCallback(
    async (work: () => Promise<unknown>, options: { refresh?: QueryKey[]; done?: string } = {}): Promise<boolean> => {
      try {
        await work();
        if (options.done) message.success(options.done);
        await Promise.all((options.refresh ?? []).map((queryKey) => queryClient.invalidateQueries({ queryKey })));
        return true;
      } catch (err) {
        message.error((err as Error).message);
        return false;
      }
    },
    [message, queryClient],
  );
}

/** Asks before something is deleted (or revoked, or removed); `onOk` runs only on yes. */
export function useConfirmDelete() {
  const { modal } = App.useApp();
  const { t } = useTranslation();
  return useCallback(
    (title: string, onOk: () => Promise<unknown>, options: { content?: string; okText?: string } = {}) =>
      void modal.confirm({
        title,
        content: options.content,
        okText: options.okText ?? t('common.delete'),
        okButtonProps: { danger: true },
        cancelText: t('common.cancel'),
        onOk,
      }),
    [modal, t],
  );
}

/**
 * A dialog's submit: `busy` while it runs, the API's message kept in `error` to show inside the
 * dialog (cleared when the next try starts). `run` answers whether the work succeeded.
 */
export function useDialogSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (work: () => Promise<unknown>, options: { quiet?: boolean } = {}): Promise<boolean> => {
    if (!options.quiet) setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    } finally {
      if (!options.quiet) setBusy(false);
    }
  }, []);
  return { busy, error, run };
}
