import { memo } from 'react';
import ReactMarkdown from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import 'highlight.js/styles/github.css';

const plugins = [rehypeHighlight];

/** An answer's markdown with highlighted code; memoised so finished answers never re-render. */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown rehypePlugins={plugins}>{text}</ReactMarkdown>
    </div>
  );
});
