import type { ProcessRule } from '../../entity/dataset-entity.js';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+|\bwww\.[^\s<>"']+/gi;
const EMAIL_PATTERN = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g;

/** Applies the enabled pre-processing rules; always drops control characters that break indexing. */
export function cleanText(text: string, rules: ProcessRule['pre_process_rules']): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  let out = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g, '');
  const enabled = new Set(rules.filter((r) => r.enabled).map((r) => r.id));
  if (enabled.has('remove_url_and_email')) out = out.replace(URL_PATTERN, '').replace(EMAIL_PATTERN, '');
  if (enabled.has('remove_extra_space')) {
    out = out
      .replace(/[ \t\u00a0\u3000]+/g, ' ')
      .replace(/ *\n */g, '\n')
      .replace(/\n{3,}/g, '\n\n');
  }
  return out.trim();
}
