// The summary the model reads gives every item an id and asks it to cite
// them ("[fn12]", "[task:t0:5]", "[path:t0:40]", "[thread t0]", and a web
// page's "[nav1]", "[req12]", "[shift3]", "[cluster1]", "[int2]"). This remark
// plugin turns each citation in an answer's text into a link to the item
// (fragment href, which the sanitiser keeps); the chat renders those as
// buttons that show the item in the chart. Code and links are left alone.

import { PAGE_ITEM_ID_PATTERN } from '../page-track/page-items.ts';

/** Where a citation link points: this prefix, then the summary id, URI-encoded (thread ids may hold anything). */
const CITATION_HREF_PREFIX = '#trace-item:';

/** The summary id a link cites, or null for any other link. */
export function citedId(href: string | undefined): string | null {
  return href?.startsWith(CITATION_HREF_PREFIX) ? decodeURIComponent(href.slice(CITATION_HREF_PREFIX.length)) : null;
}

const CITATION = new RegExp(String.raw`\[(fn\d+|${PAGE_ITEM_ID_PATTERN}|task:[^\]\s]+|path:[^\]\s]+|thread [^\]]+)\]`, 'g');

/** The part of an mdast node this plugin reads and writes. */
interface MarkdownNode {
  type: string;
  value?: string;
  url?: string;
  children?: MarkdownNode[];
}

export function remarkTraceCitations() {
  return (tree: MarkdownNode) => linkCitations(tree);
}

function linkCitations(node: MarkdownNode): void {
  if (!node.children) return;
  node.children = node.children.flatMap((child) => {
    if (child.type === 'text') return splitCitations(child.value ?? '');
    if (child.type !== 'link' && child.type !== 'linkReference') linkCitations(child);
    return [child];
  });
}

function splitCitations(text: string): MarkdownNode[] {
  const nodes: MarkdownNode[] = [];
  let from = 0;
  for (const match of text.matchAll(CITATION)) {
    if (match.index > from) nodes.push({ type: 'text', value: text.slice(from, match.index) });
    nodes.push({ type: 'link', url: CITATION_HREF_PREFIX + encodeURIComponent(match[1]), children: [{ type: 'text', value: match[1] }] });
    from = match.index + match[0].length;
  }
  if (from < text.length) nodes.push({ type: 'text', value: text.slice(from) });
  return nodes;
}
