// Conversations, kept per trace content (the sha256 of its original bytes) in
// the app's data folder: conversations/<sha256>/<conversation id>.json, one
// file per conversation, each replaced whole on every save. Opening the same
// trace again (after a restart, from another path) finds its newest
// conversation; starting a new one leaves the old files in place.
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ChatMessage } from '../ipc-contract.ts';
import { writeFileAtomic } from './atomic-file.ts';

export const CONVERSATIONS_DIR = 'conversations';
const CONTENT_HASH = /^[0-9a-f]{64}$/;

export interface Conversation {
  id: string;
  /** sha256 of the trace's original bytes. */
  contentHash: string;
  /** ISO 8601; the newest conversation of a trace is the one that opens. */
  createdAt: string;
  initialAnalysisRequested: boolean;
  messages: ChatMessage[];
}

const toolCallSchema = z.object({
  callId: z.string(),
  name: z.string(),
  arguments: z.string(),
  label: z.string(),
  result: z.string().optional(),
  ok: z.boolean().optional(),
});

const messageSchema = z.object({
  turnId: z.string(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  status: z.enum(['complete', 'streaming', 'interrupted', 'stopped', 'error']),
  error: z.object({ code: z.string(), message: z.string(), retryAfterSeconds: z.number().optional() }).optional(),
  /** Written since the trace tools; files from before have none. */
  steps: z.array(z.object({ step: z.number().int(), calls: z.array(toolCallSchema) })).optional(),
  createdAt: z.string(),
});

const fileSchema = z.object({
  version: z.literal(1),
  conversation: z.object({
    id: z.uuid(),
    contentHash: z.string().regex(CONTENT_HASH),
    createdAt: z.string(),
    initialAnalysisRequested: z.boolean(),
    messages: z.array(messageSchema),
  }),
});

export class ConversationStore {
  constructor(readonly dir: string) {}

  static inFolder(userDataDir: string): ConversationStore {
    return new ConversationStore(join(userDataDir, CONVERSATIONS_DIR));
  }

  /** A new, empty conversation (written on its first save). */
  create(contentHash: string): Conversation {
    assertContentHash(contentHash);
    return { id: randomUUID(), contentHash, createdAt: new Date().toISOString(), initialAnalysisRequested: false, messages: [] };
  }

  /** The trace's newest conversation, or null. Files that do not read as one are skipped. */
  async latest(contentHash: string): Promise<Conversation | null> {
    assertContentHash(contentHash);
    const folder = join(this.dir, contentHash);
    let names: string[];
    try {
      names = (await readdir(folder)).filter((name) => name.endsWith('.json'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const conversations = await Promise.all(names.map((name) => readConversation(join(folder, name))));
    let newest: Conversation | null = null;
    for (const conversation of conversations) {
      if (conversation?.contentHash === contentHash && (!newest || conversation.createdAt > newest.createdAt)) newest = conversation;
    }
    return newest;
  }

  /** Writes the conversation's current state (a snapshot: later changes need another save; saves land in call order). */
  save(conversation: Conversation): Promise<void> {
    const text = JSON.stringify({ version: 1, conversation });
    const path = join(this.dir, conversation.contentHash, `${conversation.id}.json`);
    return writeFileAtomic(path, text);
  }
}

function assertContentHash(contentHash: string): void {
  // It names a folder: only a sha256 in hex may.
  if (!CONTENT_HASH.test(contentHash)) throw new Error(`Not a content hash: ${JSON.stringify(contentHash)}`);
}

async function readConversation(path: string): Promise<Conversation | null> {
  try {
    const parsed = fileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    if (parsed.success) return parsed.data.conversation;
  } catch {
    // falls through
  }
  console.warn(`Ignoring ${path}: not a conversation this version reads.`);
  return null;
}
