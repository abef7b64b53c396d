import { Parser } from 'htmlparser2';

const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg']);
const BLOCKS = new Set([
  'p',
  'div',
  'br',
  'li',
  'tr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'section',
  'article',
  'table',
  'ul',
  'ol',
  'pre',
  'blockquote',
  'hr',
  'title',
]);

/**
 * Visible text of an HTML page, with block elements on their own lines; `alsoSkip` names more
 * elements to leave out (a tool reading a page for a model drops its navigation).
 */
export function extractHtmlText(html: string, alsoSkip: readonly string[] = []): string {
  const skipped = alsoSkip.length > 0 ? new Set([...SKIPPED, ...alsoSkip]) : SKIPPED;
  let out = '';
  let skipping = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (skipped.has(name)) skipping++;
        else if (BLOCKS.has(name)) out += '\n';
      },
      ontext(text) {
        if (!skipping) out += text;
      },
      onclosetag(name) {
        if (skipped.has(name)) skipping = Math.max(0, skipping - 1);
        else if (BLOCKS.has(name)) out += '\n';
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return out
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}
