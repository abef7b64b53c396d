import { fromMarkdown } from 'mdast-util-from-markdown';
import { toString } from 'mdast-util-to-string';

/** Markdown without its markup: one paragraph, heading, list item or code block per block. */
export function extractMarkdownText(markdown: string): string {
  const tree = fromMarkdown(markdown);
  const blocks: string[] = [];
  const walk = (node: { type: string; children?: unknown[] }) => {
    if (['paragraph', 'heading', 'code', 'tableRow', 'html'].includes(node.type)) {
      blocks.push(toString(node as never, { includeHtml: false }));
      return;
    }
    for (const child of (node.children ?? []) as Array<{ type: string; children?: unknown[] }>) walk(child);
  };
  walk(tree);
  return blocks.filter((b) => b.trim()).join('\n\n');
}
