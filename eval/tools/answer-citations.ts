// The ids an answer cites, read by the chat's own citation linker (so the
// eval checks exactly the links the user would click), and whether each
// resolves in the profile: a function id exists, a task id is the planted
// task, a thread or path id is the profile's.
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import { resolveFunction, resolveTask, resolveThread, ToolInputError } from '../../shared-importer/src/trace-tools/tool-input.ts';
import { threadMergedTree } from '../../shared-importer/src/trace-tools/thread-derived.ts';
import { citedId, remarkTraceCitations } from '../../renderer/chat/trace-citations.ts';
import type { PlantedItems } from './planted-problems.ts';

interface MarkdownNode {
  type: string;
  value?: string;
  url?: string;
  children?: MarkdownNode[];
}

/** The ids the answer's text links, in order (the answer as one paragraph of text, as the chat parses it). */
export function citedIds(answer: string): string[] {
  const root: MarkdownNode = { type: 'root', children: [{ type: 'paragraph', children: [{ type: 'text', value: answer }] }] };
  remarkTraceCitations()(root);
  const ids: string[] = [];
  const visit = (node: MarkdownNode) => {
    const id = node.type === 'link' ? citedId(node.url) : null;
    if (id !== null) ids.push(id);
    for (const child of node.children ?? []) visit(child);
  };
  visit(root);
  return ids;
}

/** Why a cited id does not resolve, or null when it does. */
export function unresolved(profile: Profile, id: string, planted: PlantedItems): string | null {
  try {
    if (id.startsWith('fn')) resolveFunction(profile, id);
    else if (id.startsWith('thread ')) resolveThread(profile, id.slice('thread '.length));
    else if (id.startsWith('task:')) {
      const thread = resolveThread(profile, id.slice('task:'.length, id.lastIndexOf(':')));
      resolveTask(thread, id);
      if (id !== planted.taskId) return `${id} is not the planted task ${planted.taskId ?? '(none planted)'}`;
    } else if (id.startsWith('path:')) {
      const thread = resolveThread(profile, id.slice('path:'.length, id.lastIndexOf(':')));
      if (!(Number(id.slice(id.lastIndexOf(':') + 1)) < threadMergedTree(thread).count)) return `${id}: no such call path`;
    } else return `${id}: not an id of this profile (a page item?)`;
  } catch (error) {
    if (error instanceof ToolInputError) return error.message;
    throw error;
  }
  return null;
}
