import i18n from '../i18n';

/** Unix seconds as a local date and time in the console's language. */
export function formatTime(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString(i18n.resolvedLanguage === 'zh' ? 'zh-CN' : 'en-US', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}
