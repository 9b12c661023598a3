// An answer as Markdown (GFM: code, lists, tables), inert whatever the model
// or the trace put in it: raw HTML shows as the text it is (function names
// like <anonymous> stay readable), rehype-sanitize keeps only GitHub's safe
// elements and attributes, images never load (their alt text shows), and
// links open in the system browser through the host, https only. Items the
// answer cites by their id ("[fn12]", from the summary or a tool result) are
// buttons that show them; an id naming nothing in the trace stays text.
import { createContext, memo, useContext, type ComponentProps, type MouseEvent } from 'react';
import Markdown, { type Components } from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';
import { safeExternalUrl } from '../../electron/services/external-url.ts';
import { host } from '../api/host-api.ts';
import { citedId, remarkTraceCitations } from './trace-citations.ts';

/** What the open trace makes of cited ids. Absent (no trace): citations stay text. */
export interface CitedItemLinks {
  /** Whether the id can name an item of the trace: only those become links. */
  isKnown(id: string): boolean;
  /** Shows the item in the chart; false when it names nothing after all. */
  show(id: string): boolean;
}

export const CitedItems = createContext<CitedItemLinks | null>(null);

const REMARK_PLUGINS = [remarkGfm, remarkTraceCitations];
const REHYPE_PLUGINS = [rehypeSanitize];
/** HTML in an answer becomes text instead of markup. */
const REMARK_REHYPE_OPTIONS = { handlers: { html: (_state: unknown, node: { value: string }) => ({ type: 'text' as const, value: node.value }) } };

function openLink(event: MouseEvent<HTMLAnchorElement>, url: string): void {
  event.preventDefault();
  host()
    .openExternal(url)
    .catch(() => {});
}

function Citation({ id }: { id: string }) {
  const items = useContext(CitedItems);
  if (!items) return <span className="chat-citation">[{id}]</span>;
  // An id the model made up (or misremembered) reads as the text it wrote, not as something to click.
  if (!items.isKnown(id)) return <>[{id}]</>;
  return (
    <button
      type="button"
      className="chat-citation"
      onClick={() => items.show(id)}
      title={`Show ${id} in the chart`}
      data-testid="chat-citation"
      data-item-id={id}
    >
      {id}
    </button>
  );
}

function Link({ href, children }: ComponentProps<'a'>) {
  const cited = citedId(href);
  if (cited !== null) return <Citation id={cited} />;
  const url = href ? safeExternalUrl(href) : null;
  if (!url) return <span className="chat-link-refused">{children}</span>;
  return (
    <a href={url} title={url} onClick={(e) => openLink(e, url)} onAuxClick={(e) => openLink(e, url)} rel="noreferrer">
      {children}
    </a>
  );
}

function ImageAsText({ alt }: ComponentProps<'img'>) {
  return <span className="chat-image-omitted">{alt ? `[image: ${alt}]` : '[image]'}</span>;
}

/** Wide tables scroll inside the answer instead of widening the chat. */
function ScrollingTable(props: ComponentProps<'table'>) {
  return (
    <div className="chat-table">
      <table>{props.children}</table>
    </div>
  );
}

const COMPONENTS: Components = { a: Link, img: ImageAsText, table: ScrollingTable };

export const ChatMarkdown = memo(function ChatMarkdown({ text }: { text: string }) {
  return (
    <Markdown remarkPlugins={REMARK_PLUGINS} rehypePlugins={REHYPE_PLUGINS} remarkRehypeOptions={REMARK_REHYPE_OPTIONS} components={COMPONENTS}>
      {text}
    </Markdown>
  );
});
