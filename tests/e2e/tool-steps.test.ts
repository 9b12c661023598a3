// An answer that used trace tools, end to end in real Chromium on the browser
// host at 1024x700. The conversation on disk is a real one, as main persists
// it: its tool results come from the real tools run here on the same Chrome
// trace. The user sees the steps folded, expands them, reads what the model
// received, follows ids cited from tool results into the chart, and asks a
// suggested follow-up. A live turn's steps show running, then fold when the
// answer completes (the steps' timing is driven by tool events put on the
// host's socket); and a real tool round runs through local mode's loop and
// the import worker.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import type { Browser, BrowserContext, Page, WebSocketRoute } from '@playwright/test';
import { WS_PATH } from '../../electron/browser-host/ws-protocol.ts';
import type { ChatToolStep, ChatTurnEvent } from '../../electron/ipc-contract.ts';
import { ConversationStore } from '../../electron/services/conversations.ts';
import { FOLLOW_UP_HEADING } from '../../functions/_shared/follow-ups.ts';
import { threadViews } from '../../renderer/profile-views/thread-views.ts';
import { importTraceFile } from '../../shared-importer/node/node-host.ts';
import { REAL_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import { summarizeProfile } from '../../shared-importer/src/summary/summarize-profile.ts';
import { runTool } from '../../shared-importer/src/trace-tools/run-tool.ts';
import { startScriptedModel, textResponse, type ScriptedModelServer } from '../../test-support/scripted-model/scripted-model-server.ts';
import { dropFile, newPage, screenshot, startHost, waitForChart, type PageHost } from './e2e-support.ts';

const M86 = join(REAL_TRACES, 'lighthouse/cpu-profiler-m86.trace.json');
const FILE_NAME = 'cpu-profiler-m86.trace.json';
const SIZE = { width: 1024, height: 700 };
const FOLLOW_UPS = ['Which task is the longest?', 'Who calls window.library.stall?'];

/** What the persisted answer is built from: real tool results and the ids it cites from them. */
interface PersistedTurn {
  steps: ChatToolStep[];
  answer: string;
  /** A task only the long_tasks call listed (below the summary's threshold), with the interval it names. */
  shortTask: { id: string; interval: number };
  /** A call-tree node of a task, from the call_tree call, with the function its line names. */
  path: { id: string; node: number; functionName: string };
  threadId: string;
}

async function persistedTurn(profile: Profile): Promise<PersistedTurn> {
  const summary = summarizeProfile(profile);
  const main = summary.threads[0];
  const longTasks = await runTool(profile, 'long_tasks', { threadId: main.id, minMs: 5 });
  const listed = new Set(main.longTasks.map((t) => t.id));
  const shortTaskId = [...longTasks.matchAll(/\[(task:[^\]]+)\]/g)].map((m) => m[1]).find((id) => !listed.has(id))!;
  assert.ok(shortTaskId, 'long_tasks lists a task below the summary threshold');
  const failed = await runTool(profile, 'call_tree', { threadId: 'renderer' });
  const root = main.longTasks[0].id;
  const tree = await runTool(profile, 'call_tree', { threadId: main.id, root });
  const deepest = tree
    .split('\n')
    .filter((line) => line.includes('[path:'))
    .reduce((a, b) => (b.search(/\S/) > a.search(/\S/) ? b : a));
  const pathId = /\[(path:[^\]]+)\]/.exec(deepest)![1];
  const call = (callId: string, name: string, args: object, label: string, result: string, ok: boolean) => ({
    callId,
    name,
    arguments: JSON.stringify(args),
    label,
    result,
    ok,
  });
  return {
    threadId: main.id,
    shortTask: { id: shortTaskId, interval: Number(shortTaskId.slice(shortTaskId.lastIndexOf(':') + 1)) },
    path: { id: pathId, node: Number(pathId.slice(pathId.lastIndexOf(':') + 1)), functionName: JSON.parse(/\] ("(?:[^"\\]|\\.)*")/.exec(deepest)![1]) },
    steps: [
      {
        step: 1,
        calls: [
          call('call_a', 'long_tasks', { threadId: main.id, minMs: 5 }, 'Listing the tasks of 5 ms or more on the main thread', longTasks, true),
          call('call_b', 'call_tree', { threadId: 'renderer' }, 'Looking at the call tree of thread renderer', failed, false),
        ],
      },
      { step: 2, calls: [call('call_c', 'call_tree', { threadId: main.id, root }, 'Looking at the call tree of task 1.1 s', tree, true)] },
    ],
    answer: [
      `The first task, [${shortTaskId}], is short. The long one spends its time in [${pathId}]; [fn999999] is no function of this trace.`,
      '',
      FOLLOW_UP_HEADING,
      ...FOLLOW_UPS.map((q) => `- ${q}`),
      '',
    ].join('\n'),
  };
}

/** This trace's conversation with the turn, saved by main's own store. */
async function writeConversation(userDataDir: string, turn: PersistedTurn): Promise<void> {
  const store = ConversationStore.inFolder(userDataDir);
  const conversation = store.create(createHash('sha256').update(readFileSync(M86)).digest('hex'));
  const turnId = randomUUID();
  conversation.initialAnalysisRequested = true;
  conversation.messages = [
    { turnId, role: 'user', content: 'What is inside the first tasks?', status: 'complete', createdAt: '2026-12-01T10:00:00.000Z' },
    { turnId, role: 'assistant', content: turn.answer, status: 'complete', steps: turn.steps, createdAt: '2026-12-01T10:00:05.000Z' },
  ];
  await store.save(conversation);
}

/** A window whose host socket passes through a route: the test sees the turns' ids and can add events as main sends them. */
interface RoutedWindow {
  context: BrowserContext;
  page: Page;
  errors: string[];
  turnIds: string[];
  emit(event: ChatTurnEvent): void;
}

async function routedWindow(browser: Browser, url: string, colorScheme: 'light' | 'dark'): Promise<RoutedWindow> {
  const turnIds: string[] = [];
  let toPage: WebSocketRoute | null = null;
  const passThrough = (route: WebSocketRoute) => {
    toPage = route;
    const server = route.connectToServer();
    server.onMessage((message) => {
      if (typeof message === 'string' && message.includes('"chat:event"')) {
        const { payload } = JSON.parse(message) as { payload: { type: string; turnId?: string } };
        if (payload.type === 'turn_accepted' && payload.turnId) turnIds.push(payload.turnId);
      }
      route.send(message);
    });
  };
  const { context, page, errors } = await newPage(browser, url, {
    ...SIZE,
    colorScheme,
    prepare: async (context) => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await context.routeWebSocket((wsUrl) => wsUrl.pathname === WS_PATH, passThrough);
    },
  });
  return { context, page, errors, turnIds, emit: (event) => toPage!.send(JSON.stringify({ type: 'event', channel: 'chat:event', payload: event })) };
}

async function chartWindow(page: Page, chartId: string): Promise<{ x0: number; x1: number }> {
  return page.evaluate(
    (id) => (window as unknown as { __traceAnalyserDebug: { viewports: Record<string, { x0: number; x1: number }> } }).__traceAnalyserDebug.viewports[id],
    chartId,
  );
}

const answerItem = (page: Page) => page.locator('[data-testid="chat-message"][data-role="assistant"]');

test.describe('an answer that used trace tools', () => {
  let model: ScriptedModelServer;
  let host: PageHost;
  let browser: Browser;
  let profile: Profile;
  let turn: PersistedTurn;
  let light: RoutedWindow;
  let page: Page;

  test.beforeAll(async ({ browser: shared }) => {
    browser = shared;
    profile = await importTraceFile(M86);
    turn = await persistedTurn(profile);
    const userDataDir = mkdtempSync(join(tmpdir(), 'ta-e2e-'));
    await writeConversation(userDataDir, turn);
    model = await startScriptedModel();
    host = await startHost({ userDataDir, env: { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: 'scripted-key', AI_MODEL: 'scripted-model' } });
    light = await routedWindow(browser, host.url, 'light');
    page = light.page;
    await dropFile(page, M86);
    await waitForChart(page, FILE_NAME);
    await page.click('[data-testid="chat-button"]');
    await page.waitForSelector('[data-testid="chat-message"][data-role="assistant"][data-status="complete"]');
    const shown = await page.locator('[data-testid="tool-steps"]').count();
    assert.equal(
      shown,
      1,
      'the reopened answer has its steps: electron/services/conversations.ts must read `steps` back (its message schema drops keys it does not name)',
    );
  });

  test.afterAll(async () => {
    await light?.context.close();
    await host?.stop();
    await model?.stop();
  });

  test('the reopened answer shows its steps folded into one line, which expands from the keyboard', async () => {
    const steps = answerItem(page).first().locator('[data-testid="tool-steps"]');
    assert.equal(await steps.getAttribute('data-state'), 'collapsed');
    assert.equal(await steps.locator('[data-testid="tool-steps-summary"]').textContent(), 'Used 3 trace tools (1 failed)');
    assert.equal(await steps.locator('[data-testid="tool-call"]').first().isVisible(), false, 'folded');
    assert.equal(model.requests.length, 0, 'a reopened conversation asks nothing');
    await screenshot(page, 'chat-tool-steps-collapsed');

    await steps.locator('summary').focus();
    await page.keyboard.press('Enter');
    assert.equal(await steps.evaluate((e) => (e as HTMLDetailsElement).open), true);
    const calls = await steps
      .locator('[data-testid="tool-call"]')
      .evaluateAll((items) => items.map((i) => [i.getAttribute('data-state'), i.querySelector('.tool-call-label')!.textContent]));
    assert.deepEqual(calls, [
      ['done', `${turn.steps[0].calls[0].label}: done`],
      ['failed', `${turn.steps[0].calls[1].label}: failed${turn.steps[0].calls[1].result}`],
      ['done', `${turn.steps[1].calls[0].label}: done`],
    ]);
    // It fits the chat column at 1024x700: nothing wider than the conversation.
    const overflow = await page.$eval('.chat-scroller', (e) => e.scrollWidth - e.clientWidth);
    assert.equal(overflow, 0);
    await screenshot(page, 'chat-tool-steps-expanded');
  });

  test('the body shows without the follow-up block; ids the tools cited are links, an unknown one stays text', async () => {
    const answer = (await answerItem(page).first().locator('[data-testid="chat-answer"]').textContent())!;
    assert.ok(!answer.includes(FOLLOW_UP_HEADING) && !answer.includes(FOLLOW_UPS[0]), 'the block is not shown as text');
    const links = await answerItem(page)
      .first()
      .locator('[data-testid="chat-citation"]')
      .evaluateAll((b) => b.map((e) => e.getAttribute('data-item-id')));
    assert.deepEqual(links, [turn.shortTask.id, turn.path.id]);
    assert.ok(answer.includes('[fn999999]'));
  });

  test('"What the model received" shows each call with its arguments and its result verbatim; Copy copies it; Escape gives the focus back', async () => {
    const opener = answerItem(page).first().locator('[data-testid="chat-inspect"]');
    await opener.click();
    const dialog = page.locator('[data-testid="model-input-dialog"]');
    await dialog.waitFor();
    const part = (key: string) => dialog.locator(`[data-part="${key}"]`).textContent();
    for (const call of turn.steps.flatMap((s) => s.calls)) {
      assert.equal(await part(`${call.callId}:result`), call.result, `${call.callId}: the result as the model read it`);
      assert.equal(await part(`${call.callId}:arguments`), JSON.stringify(JSON.parse(call.arguments), null, 2));
    }
    assert.deepEqual(await dialog.locator('[data-testid="model-input-call"] h3').allTextContents(), [
      'Step 1 · long_tasks',
      'Step 1 · call_tree',
      'Step 2 · call_tree',
    ]);
    const summaryStatus = (await page.textContent('[data-testid="summary-status"]'))!;
    assert.match(summaryStatus, /What the assistant sees/);
    assert.ok((await part('summary'))!.includes(`thread ${turn.threadId}`), 'the summary text names the main thread');
    const body = dialog.locator('.model-input-body');
    assert.ok(await body.evaluate((e) => e.scrollHeight > e.clientHeight), 'it scrolls inside the dialog');
    assert.equal(await page.$eval('[data-part="summary"]', (e) => getComputedStyle(e).fontFamily.includes('monospace')), true);
    await screenshot(page, 'chat-model-input');

    // As in Electron, whose window grants no clipboard permission: the Clipboard API refuses, the copy command must do.
    // (Source text: a function given to evaluate would carry the transpiler's helpers into the page.)
    await page.evaluate(
      `Object.defineProperty(navigator.clipboard, 'writeText', { value: () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')) })`,
    );
    await dialog.locator('[data-testid="model-input-copy"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="model-input-copy"]')?.textContent === 'Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    for (const call of turn.steps.flatMap((s) => s.calls)) assert.ok(copied.includes(call.result!), `the copy holds ${call.callId}'s result`);
    assert.ok(copied.includes((await part('summary'))!), 'and the summary');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'chat-inspect');
    assert.equal(await page.locator('[data-testid="chat-window"]').count(), 1, 'Escape closed the dialog, not the chat');
  });

  test('a task cited from a tool result zooms the time order chart to it; a call path selects its deepest frame in left heavy', async () => {
    const timeline = profile.threads.find((t) => t.id === turn.threadId)!;
    const { interval } = turn.shortTask;
    await answerItem(page).first().locator(`[data-testid="chat-citation"][data-item-id="${turn.shortTask.id}"]`).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="view-time-order"]')?.getAttribute('aria-selected') === 'true');
    assert.equal(await page.textContent('[data-testid="details-name"]'), profile.frames.names[timeline.frame[interval]]);
    const zoom = await chartWindow(page, `${turn.threadId}/time-order`);
    assert.ok(zoom.x0 <= timeline.start[interval] && zoom.x1 >= timeline.end[interval], 'the task is in view');
    assert.ok(zoom.x1 - zoom.x0 < 1.2 * (timeline.end[interval] - timeline.start[interval]), 'zoomed to it');

    await answerItem(page).first().locator(`[data-testid="chat-citation"][data-item-id="${turn.path.id}"]`).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="view-left-heavy"]')?.getAttribute('aria-selected') === 'true');
    assert.equal(await page.textContent('[data-testid="details-name"]'), turn.path.functionName);
    const layout = threadViews(timeline, profile.frames.length).leftHeavy();
    const slot = Array.from(layout.source).indexOf(turn.path.node);
    const pathZoom = await chartWindow(page, `${turn.threadId}/left-heavy`);
    assert.ok(pathZoom.x0 <= layout.x0[slot] && pathZoom.x1 >= layout.x1[slot], 'the node is in view');
    assert.ok(pathZoom.x1 - pathZoom.x0 < 1.2 * Math.max(layout.x1[slot] - layout.x0[slot], (layout.max - layout.min) / 1e6), 'zoomed to it');
  });

  test('a hot path in the summary panel lands as a cited path does: its deepest frame, selected in left heavy', async () => {
    const path = summarizeProfile(profile).threads[0].hotPaths[0];
    await page.click('[data-testid="view-time-order"]');
    await page.locator('.path-item').first().click();
    await page.waitForFunction(() => document.querySelector('[data-testid="view-left-heavy"]')?.getAttribute('aria-selected') === 'true');
    assert.equal(await page.textContent('[data-testid="details-name"]'), path.frames.at(-1));
  });

  test('a follow-up chip sends its question as typing it would; its answer is then the last one with chips', async () => {
    const chips = page.locator('[data-testid="chat-follow-up"]');
    assert.deepEqual(await chips.allTextContents(), FOLLOW_UPS);
    model.enqueue(textResponse(`The longest is the one at 1.2 s.\n\n${FOLLOW_UP_HEADING}\n- What does it call?\n`));
    await chips.first().click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="chat-message"][data-role="assistant"][data-status="complete"]').length === 2);
    const questions = await page.locator('[data-testid="chat-message"][data-role="user"] .chat-question').allTextContents();
    assert.equal(questions.at(-1), FOLLOW_UPS[0]);
    const sent = model.requests.at(-1).body.messages!.at(-1);
    assert.equal(sent.role, 'user');
    assert.ok(String(sent.content).includes(FOLLOW_UPS[0]), "the model was asked the chip's question");
    assert.deepEqual(await chips.allTextContents(), ['What does it call?'], 'only the last answer has chips');
  });

  test('a live turn shows each step as it runs, then folds it once the answer is complete; the summary shown is the one the model read', async () => {
    await assertLiveSteps(light, model, 'chat-tool-steps-running');
    const live = answerItem(page).last();
    await live.locator('[data-testid="chat-inspect"]').click();
    const summaryShown = await page.locator('[data-part="summary"]').textContent();
    const system = String(model.requests.at(-1).body.messages![0].content);
    const inBlock = /<trace-data (\S+)>\nfile: .*\n([\s\S]*)\n<\/trace-data \1>/.exec(system);
    assert.ok(inBlock, 'the system message holds the summary block');
    assert.equal(summaryShown, inBlock[2]);
    await page.keyboard.press('Escape');
    assert.deepEqual(light.errors, []);
  });

  test('a real tool round in local mode: the import worker runs the call the model asked for, the model reads its result, and a task it cites from it lands in the chart', async () => {
    const args = { threadId: turn.threadId, minMs: 5 };
    const expected = await runTool(profile, 'long_tasks', args);
    const toolMessage = (request: { body: { messages?: { role: string; content: unknown }[] } }) =>
      String(request.body.messages!.find((m) => m.role === 'tool')!.content);
    // The answer cites the first task of the result the model really received.
    model.enqueue({ kind: 'tool_calls', calls: [{ name: 'long_tasks', arguments: JSON.stringify(args) }] }, (request) =>
      textResponse(`The first one is [${/\[(task:[^\]]+)\]/.exec(toolMessage(request))![1]}].`),
    );
    const answersBefore = await answerItem(page).count();
    await page.fill('[data-testid="chat-input"]', 'Which tasks take 5 ms or more?');
    await page.press('[data-testid="chat-input"]', 'Enter');
    // This turn's answer, not the last one shown before it (which is folded already).
    const live = answerItem(page).nth(answersBefore);
    await live.locator('[data-testid="tool-steps"][data-state="collapsed"]').waitFor({ timeout: 30_000 });
    assert.equal(await live.locator('[data-testid="tool-steps-summary"]').textContent(), 'Used 1 trace tool');
    assert.ok(toolMessage(model.requests.at(-1)).includes(expected), 'the model read what the tool gives on this profile, whole, inside its data block');

    const cited = /\[(task:[^\]]+)\]/.exec(expected)![1];
    const interval = Number(cited.slice(cited.lastIndexOf(':') + 1));
    const timeline = profile.threads.find((t) => t.id === turn.threadId)!;
    await live.locator(`[data-testid="chat-citation"][data-item-id="${cited}"]`).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="view-time-order"]')?.getAttribute('aria-selected') === 'true');
    const zoom = await chartWindow(page, `${turn.threadId}/time-order`);
    assert.ok(zoom.x0 <= timeline.start[interval] && zoom.x1 >= timeline.end[interval], 'the cited task is in view');
    assert.ok(zoom.x1 - zoom.x0 < 1.2 * (timeline.end[interval] - timeline.start[interval]), 'zoomed to it');
    assert.deepEqual(light.errors, []);
  });

  test('dark theme: steps running and folded, and what the model received', async () => {
    await light.context.close();
    const dark = await routedWindow(browser, host.url, 'dark');
    try {
      await waitForChart(dark.page, FILE_NAME);
      await dark.page.click('[data-testid="chat-button"]');
      await dark.page.waitForSelector('[data-testid="tool-steps"][data-state="collapsed"]');
      const background = await dark.page.evaluate(() => getComputedStyle(document.body).getPropertyValue('--bg').trim());
      assert.notEqual(background, '#ffffff', 'dark variables are in force');
      await screenshot(dark.page, 'chat-tool-steps-collapsed-dark');
      await dark.page.locator('[data-testid="tool-steps-summary"]').first().click();
      await screenshot(dark.page, 'chat-tool-steps-expanded-dark');
      await dark.page.locator('[data-testid="chat-inspect"]').first().click();
      await dark.page.waitForSelector('[data-testid="model-input-dialog"]');
      await screenshot(dark.page, 'chat-model-input-dark');
      await dark.page.keyboard.press('Escape');
      await assertLiveSteps(dark, model, 'chat-tool-steps-running-dark');
      assert.deepEqual(dark.errors, []);
    } finally {
      await dark.context.close();
    }
  });
});

/**
 * Asks a question whose answer the model holds back a while; meanwhile the
 * turn's tool events arrive as main sends them: each call shows running,
 * then done; once the text comes and the answer completes, the steps fold.
 */
async function assertLiveSteps(window: RoutedWindow, model: ScriptedModelServer, screenshotName: string): Promise<void> {
  const { page } = window;
  const asked = window.turnIds.length;
  model.enqueue(textResponse('Nothing else runs during it.', { firstChunkDelayMs: 4_000 }));
  await page.fill('[data-testid="chat-input"]', 'What runs on the worker during the long task?');
  await page.press('[data-testid="chat-input"]', 'Enter');
  const deadline = Date.now() + 10_000;
  while (window.turnIds.length === asked && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const turnId = window.turnIds.at(-1);
  assert.ok(window.turnIds.length > asked, 'the host accepted the turn');
  const calls = [
    { callId: 'live_1', name: 'long_tasks', arguments: '{"threadId":"worker"}', label: 'Listing the long tasks of the worker' },
    { callId: 'live_2', name: 'call_tree', arguments: '{"threadId":"worker"}', label: 'Looking at the call tree of the worker' },
  ];
  window.emit({ type: 'tool_request', turnId, seq: 1, step: 1, calls });
  window.emit({ type: 'tool_result', turnId, step: 1, callId: 'live_1', result: 'No tasks of 50 ms or more on thread worker.', ok: true });
  const live = page.locator('[data-testid="chat-message"][data-role="assistant"]').last();
  const states = () => live.locator('[data-testid="tool-call"]').evaluateAll((items) => items.map((i) => i.getAttribute('data-state')));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="tool-steps"][data-state="running"] [data-testid="tool-call"]').length === 2);
  assert.deepEqual(await states(), ['done', 'running']);
  assert.match((await live.locator('[data-testid="tool-call"][data-state="running"]').textContent())!, /Looking at the call tree of the worker…: running/);
  await screenshot(page, screenshotName);
  window.emit({ type: 'tool_result', turnId, step: 1, callId: 'live_2', result: 'Call tree of thread worker: (nothing ran here)', ok: true });
  await live.locator('[data-testid="tool-steps"][data-state="collapsed"]').waitFor({ timeout: 20_000 });
  assert.equal(await live.getAttribute('data-status'), 'complete');
  assert.equal(await live.locator('[data-testid="tool-steps-summary"]').textContent(), 'Used 2 trace tools');
  assert.equal(await live.locator('[data-testid="chat-answer"]').textContent(), 'Nothing else runs during it.');
}
