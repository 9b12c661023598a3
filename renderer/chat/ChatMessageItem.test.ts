// An answer with trace-tool steps and suggested follow-ups, rendered by the
// real component and read back as HTML: each call shows with its state while
// the turn runs, the calls fold into one line once it is over, the follow-up
// block never shows as text and becomes chips on the last complete answer only.
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ChatMessage, ChatToolStep } from '../../electron/ipc-contract.ts';
import { FOLLOW_UP_HEADING } from '../../functions/_shared/follow-ups.ts';
import { ChatMessageItem } from './ChatMessageItem.tsx';

const STEPS: ChatToolStep[] = [
  {
    step: 1,
    calls: [
      {
        callId: 'a',
        name: 'long_tasks',
        arguments: '{"threadId":"t0"}',
        label: 'Listing the long tasks of the main thread',
        result: '- [task:t0:4] at 3200 ms',
        ok: true,
      },
      {
        callId: 'b',
        name: 'call_tree',
        arguments: '{"threadId":"nope"}',
        label: 'Looking at the call tree of thread nope',
        result: 'Unknown thread "nope". Threads with activity: t0.',
        ok: false,
      },
    ],
  },
  { step: 2, calls: [{ callId: 'c', name: 'call_tree', arguments: '{"threadId":"t0","root":"task:t0:4"}', label: 'Looking at the call tree of task 3.2 s' }] },
];

const ANSWER = `The task at 3.2 s is mostly [fn4].\n\n${FOLLOW_UP_HEADING}\n- Who calls [fn4]?\n- What runs on the worker then?\n`;

function answer(status: ChatMessage['status'], content = ANSWER, steps = STEPS): ChatMessage {
  return { turnId: 't', role: 'assistant', content, status, steps, createdAt: '2026-01-01T00:00:00Z' };
}

function render(message: ChatMessage, followUps: { ask: ((q: string) => void) | null } | null = null): string {
  return renderToStaticMarkup(createElement(ChatMessageItem, { message, onRetry: null, gapped: false, onInspect: () => {}, followUps }));
}

const callStates = (html: string) => [...html.matchAll(/data-testid="tool-call" data-state="([a-z]+)"/g)].map((m) => m[1]);

test('while the turn runs, each call shows with its label and state; the list is open', () => {
  const html = render(answer('streaming', ''));
  assert.match(html, /data-testid="tool-steps" data-state="running"/);
  assert.doesNotMatch(html, /<details/);
  assert.deepEqual(callStates(html), ['done', 'failed', 'running']);
  assert.ok(html.includes('Looking at the call tree of task 3.2 s…<span class="visually-hidden">: running</span>'));
  assert.ok(html.includes('Unknown thread &quot;nope&quot;. Threads with activity: t0.'), 'a failed call says why');
  assert.doesNotMatch(html, /The assistant is writing/, 'a running call is the sign of progress, not the typing dots');
  assert.doesNotMatch(html, /chat-inspect|chat-follow-up/);
});

test('once the answer is over the calls fold into one line that expands; a call left without result did not finish', () => {
  const html = render(answer('complete'));
  assert.match(
    html,
    /<details class="tool-steps" data-testid="tool-steps" data-state="collapsed"><summary data-testid="tool-steps-summary">Used 3 trace tools<span class="muted"> \(1 failed\)<\/span><\/summary>/,
  );
  assert.deepEqual(callStates(html), ['done', 'failed', 'unfinished']);
  assert.match(html, /data-testid="chat-inspect"/);
});

test('the follow-up block is never text; it becomes chips on the last complete answer only', () => {
  const asked: string[] = [];
  const last = render(answer('complete'), { ask: (q) => asked.push(q) });
  assert.ok(last.includes('The task at 3.2 s is mostly'));
  assert.ok(!last.includes(FOLLOW_UP_HEADING), 'the block is not shown as text');
  assert.deepEqual(
    [...last.matchAll(/data-testid="chat-follow-up">([^<]+)</g)].map((m) => m[1]),
    ['Who calls [fn4]?', 'What runs on the worker then?'],
  );
  assert.doesNotMatch(render(answer('complete'), null), /chat-follow-up/, 'not on an earlier answer');
  const streaming = render(answer('streaming'), { ask: () => {} });
  assert.doesNotMatch(streaming, /chat-follow-up/, 'not while streaming');
  assert.ok(!streaming.includes(FOLLOW_UP_HEADING), 'nor as text while it streams in');
  assert.match(
    render(answer('complete'), { ask: null }),
    /<button type="button" class="chat-chip" disabled="" data-testid="chat-follow-up">/,
    'disabled while no question can be sent',
  );
});
