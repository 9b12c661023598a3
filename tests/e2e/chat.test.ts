// The chat end to end in real Chromium on the browser host: the Supabase
// stand-in (real Postgres, Auth, Realtime, our functions in real Deno), the
// scripted OpenAI-compatible model, a real trace from ../shared/traces. The
// user signs in and asks; answers stream through the whole path and render.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from '@playwright/test';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { INITIAL_ANALYSIS_PROMPT } from '../../electron/ipc-contract.ts';
import type { Environment } from '../../electron/services/app-settings.ts';
import type { TraceAnalyserDebug } from '../../renderer/debug/frame-stats.ts';
import { importTraceFile } from '../../shared-importer/node/node-host.ts';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { summarizeProfile } from '../../shared-importer/src/summary/summarize-profile.ts';
import { startScriptedModel, textResponse, type ScriptedModelServer } from '../../test-support/scripted-model/scripted-model-server.ts';
import { startFaultProxy, type FaultProxy } from '../../test-support/fault-proxy.ts';
import { startCloudStack, type CloudStack } from '../cloud/cloud-harness.ts';
import { dropFile, newPage, screenshot, startHost, waitForChart, type PageHost } from './e2e-support.ts';

const SUCRASE = join(SAMPLE_TRACES, 'Chrome/65/sucrase.cpuprofile');
const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery';

test.describe('the chat with a Supabase project', () => {
  let stack: CloudStack;
  let app: TraceWindow;
  let page: Page;

  test.beforeAll(async ({ browser }) => {
    stack = await startCloudStack();
    await stack.standin.createUser(EMAIL, PASSWORD);
    app = await windowWithTrace(browser, { SUPABASE_URL: stack.standin.url, SUPABASE_ANON_KEY: stack.standin.anonKey });
    page = app.page;
  });

  test.afterAll(async () => {
    await app?.close();
    await stack?.stop();
  });

  test('the chat button opens the chat beside the chart, which asks the user to sign in first', async () => {
    await page.waitForSelector('[data-testid="chat-button"]');
    await assertControlsReachable(page);
    await screenshot(page, 'chat-closed');
    await page.click('[data-testid="chat-button"]');
    await page.waitForSelector('[data-testid="chat-setup"][data-step="sign-in"]');
    assert.match((await page.textContent('[data-testid="sign-in-form"]'))!, new RegExp(`Sign in to ${new URL(stack.standin.url).host}`));
    await assertNothingCovered(page);
  });

  test("a wrong password is refused with the project's reason; a one-time code sent by email signs in", async () => {
    await page.fill('[data-testid="sign-in-email"]', EMAIL);
    await page.fill('[data-testid="sign-in-password"]', 'not the password');
    await page.click('[data-testid="sign-in-submit"]');
    await page.waitForSelector('[data-testid="sign-in-error"]');
    assert.match((await page.textContent('[data-testid="sign-in-error"]'))!, /invalid/i);
    await page.click('text=Use a code sent by email');
    await page.fill('[data-testid="sign-in-email"]', EMAIL);
    const sent = stack.standin.mailbox.length;
    await page.click('[data-testid="sign-in-submit"]');
    await page.waitForSelector('[data-testid="sign-in-code"]');
    const email = stack.standin.mailbox[sent];
    assert.equal(email?.to, EMAIL);
    // Signed in, the chat asks the initial analysis at once: its answer is ready to stream.
    stack.model.enqueue(textResponse(ANALYSIS, { chunkSize: 6, delayMs: 15 }));
    await page.fill('[data-testid="sign-in-code"]', email.code);
    await page.press('[data-testid="sign-in-code"]', 'Enter');
    await page.waitForSelector('[data-testid="chat-setup"]', { state: 'detached' });
  });

  test('the initial analysis streams in through the whole cloud path and renders as Markdown', async () => {
    assert.equal(await page.textContent('[data-testid="chat-mode"]'), 'Cloud');
    await assertInitialAnalysisStreams(page, stack.model);
    await screenshot(page, 'chat-streamed');
  });

  test('a follow-up gets the answer built from the whole conversation', async () => {
    await assertFollowUpUsesHistory(page, stack.model);
  });

  test('settings show the account and where each value comes from; the API key is write-only', async () => {
    await page.click('[data-testid="chat-settings"]');
    await page.waitForSelector('[data-testid="account-signed-in"]');
    assert.equal(await page.textContent('[data-testid="account-signed-in"]'), `Signed in as ${EMAIL}`);
    const dialog = page.locator('[data-testid="settings-dialog"]');
    assert.equal(await page.inputValue('[data-testid="settings-supabaseUrl"]'), stack.standin.url);
    assert.match((await dialog.textContent())!, /From the environment; a value saved here wins\./);
    assert.equal(await page.getAttribute('[data-testid="settings-apiKey"]', 'type'), 'password');
    await page.fill('[data-testid="settings-apiKey"]', 'sk-test-secret');
    await screenshot(page, 'chat-settings');
    await page.click('[data-testid="settings-save"]');
    await page.waitForSelector('[data-testid="settings-dialog"]', { state: 'detached' });
    await page.click('[data-testid="chat-settings"]');
    // The stored key is never sent back: the field is empty and says one is stored.
    assert.equal(await page.inputValue('[data-testid="settings-apiKey"]'), '');
    assert.equal(await page.getAttribute('[data-testid="settings-apiKey"]', 'placeholder'), 'A key is stored: type to replace it');
    assert.equal(await page.evaluate(() => document.body.innerHTML.includes('sk-test-secret')), false);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="settings-dialog"]', { state: 'detached' });
    assert.ok(await page.locator('[data-testid="chat-window"]').isVisible(), 'Escape closes the dialog, not the chat');
  });

  test('signed out, the chat asks to sign in again; signed in with the password, the conversation is back as it was', async () => {
    const asked = stack.model.requests.length;
    const shown = await conversationShown(page);
    await page.click('[data-testid="chat-settings"]');
    await page.click('[data-testid="sign-out"]');
    await page.waitForSelector('[data-testid="settings-dialog"] [data-testid="sign-in-form"]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="chat-setup"][data-step="sign-in"]');
    await signInWithPassword(page);
    await waitForAnswers(page, 2);
    assert.deepEqual(await conversationShown(page), shown);
    assert.equal(shown[0].text, INITIAL_ANALYSIS_PROMPT, 'the initial analysis shows what it asked');
    assert.equal(stack.model.requests.length, asked, 'nothing was asked again');
  });
});

/** The chat takes its own column: nothing of the chart or its controls lies under it. */
async function assertNothingCovered(page: Page): Promise<void> {
  const chat = (await page.locator('[data-testid="chat-window"]').boundingBox())!;
  for (const selector of ['[data-testid="toolbar"]', '.chart-area', '[data-testid="details-panel"]']) {
    const box = (await page.locator(selector).boundingBox())!;
    const overlaps = box.x < chat.x + chat.width && chat.x < box.x + box.width && box.y < chat.y + chat.height && chat.y < box.y + box.height;
    assert.ok(!overlaps, `${selector} is not under the chat`);
  }
  await assertControlsReachable(page);
}

/** Every control of the toolbar and the chart area (the floating button too) is what the pointer reaches, in its middle and at its edges. */
async function assertControlsReachable(page: Page): Promise<void> {
  const hidden = await page.evaluate(() =>
    [
      ...document.querySelectorAll(
        '[data-testid="toolbar"] :is(button, select, input), .chart-area :is(button, canvas, p, dd, h3), [data-testid="chat-button"]',
      ),
    ]
      .filter((e) => {
        const r = e.getBoundingClientRect();
        if (r.width === 0) return false;
        const [cx, cy] = [r.x + r.width / 2, r.y + r.height / 2];
        // The centre and each edge's middle, just inside (round buttons have no corners).
        const points = [
          [cx, cy],
          [r.x + 2, cy],
          [r.right - 2, cy],
          [cx, r.y + 2],
          [cx, r.bottom - 2],
        ];
        return points.some(([x, y]) => {
          const top = document.elementFromPoint(x, y);
          return !(top === e || e.contains(top));
        });
      })
      .map((e) => e.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(hidden, []);
}

test.describe('the chat when the network drops mid-answer (a proxy cuts the connections)', () => {
  let stack: CloudStack;
  let proxy: FaultProxy;
  let app: TraceWindow;
  let page: Page;
  /** A slow answer, so a connection can be cut while it streams. */
  const slowAnswer = () => ({ kind: 'text' as const, chunks: Array.from({ length: 40 }, (_, i) => `part${i} `), delayMs: 60 });

  test.beforeAll(async ({ browser }) => {
    stack = await startCloudStack({ AI_TURNS_PER_MINUTE: '1000' });
    proxy = await startFaultProxy(stack.standin.url);
    await stack.standin.createUser(EMAIL, PASSWORD);
    app = await windowWithTrace(browser, { SUPABASE_URL: proxy.url, SUPABASE_ANON_KEY: stack.standin.anonKey });
    page = app.page;
    await page.click('[data-testid="chat-button"]');
    stack.model.enqueue(textResponse('First look.'));
    await signInWithPassword(page);
    await waitForAnswers(page, 1);
  });

  test.afterAll(async () => {
    await app?.close();
    await proxy?.stop();
    await stack?.stop();
  });

  test('the chat socket dropped mid-answer: the window says it reconnects, and the answer still arrives whole (it streams on the channel)', async () => {
    stack.model.enqueue(slowAnswer());
    await ask(page, 'Go on');
    await page.waitForSelector('[data-testid="chat-message"][data-status="streaming"] [data-testid="chat-answer"]');
    assert.ok(proxy.drop('/functions/v1/trace-analysis-socket') > 0, 'the socket was cut');
    await page.waitForFunction(() => document.querySelector('[data-testid="chat-connection"]')?.textContent === 'Reconnecting…');
    assert.match((await page.textContent('[data-testid="chat-connection-notice"]'))!, /Connection lost \(1006\)\. Reconnecting in \d+ s \(attempt 1\)…/);
    await waitForAnswers(page, 2);
    assert.equal(await page.locator('[data-testid="chat-answer"]').last().textContent(), slowAnswer().chunks.join('').trim());
    await page.waitForFunction(() => document.querySelector('[data-testid="chat-connection"]')?.textContent === 'Connected');
    assert.equal(await page.locator('[data-testid="chat-connection-notice"]').count(), 0);
  });

  test('Realtime dropped mid-answer: the answer so far shows as interrupted, with Retry; once reconnected, Retry gets it whole', async () => {
    stack.model.enqueue(slowAnswer());
    await ask(page, 'And then?');
    // Cut once some text has arrived (the answer element shows before its first chunk does; on a loaded machine the cut came first).
    await page.waitForFunction(() =>
      /^part0 /.test(document.querySelector('[data-testid="chat-message"][data-status="streaming"] [data-testid="chat-answer"]')?.textContent ?? ''),
    );
    assert.ok(proxy.drop('/realtime/') > 0, 'the channel was cut');
    const cut = page.locator('[data-testid="chat-message"][data-status="interrupted"]');
    await cut.waitFor();
    assert.match((await cut.locator('[data-testid="chat-answer"]').textContent())!, /^part0 /, 'the answer so far stays');
    assert.ok((await cut.locator('[data-testid="chat-turn-error"] p').textContent())!.length > 0, 'it says why');
    await screenshot(page, 'chat-interrupted');
    await page.waitForFunction(() => document.querySelector('[data-testid="chat-connection"]')?.textContent === 'Connected');
    stack.model.enqueue(textResponse('Whole this time.'));
    await page.click('[data-testid="chat-retry"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="chat-message"][data-role="assistant"]:last-child')?.getAttribute('data-status') === 'complete',
    );
    assert.equal(await page.locator('[data-testid="chat-answer"]').last().textContent(), 'Whole this time.');
  });
});

/** The answer to the initial analysis: Markdown with a list, a table and code, streamed in small pieces. */
const ANALYSIS = [
  '## What stands out',
  '',
  'The main thread is busy for most of the trace.',
  '',
  '- `Object.keys.forEach` has the most self time',
  '- GC runs often but briefly',
  '',
  '| Function | Self |',
  '|:--|--:|',
  '| processRegion | 1.52 s |',
  '',
  '```js',
  'keywords.some((k) => startsWithKeyword(k));',
  '```',
].join('\n');

test.describe('the chat in local mode (an OpenAI-compatible endpoint called by the host)', () => {
  let model: ScriptedModelServer;
  let app: TraceWindow;
  let page: Page;

  test.beforeAll(async ({ browser }) => {
    model = await startScriptedModel();
    app = await windowWithTrace(browser, { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: 'scripted-key', AI_MODEL: 'scripted-model' });
    page = app.page;
  });

  test.afterAll(async () => {
    await app?.close();
    await model?.stop();
  });

  test('opening the chat asks the initial analysis; it streams in and renders as Markdown', async () => {
    model.enqueue(textResponse(ANALYSIS, { chunkSize: 6, delayMs: 15 }));
    await page.click('[data-testid="chat-button"]');
    assert.equal(await page.textContent('[data-testid="chat-mode"]'), 'Local · scripted-model');
    await assertInitialAnalysisStreams(page, model);
  });

  test('a follow-up (Shift+Enter for a new line, Enter to send) gets the answer built from the whole conversation', async () => {
    await assertFollowUpUsesHistory(page, model);
  });

  test('the view follows a streaming answer until the user scrolls up; "Jump to latest" and sending go back down', async () => {
    const lines = Array.from({ length: 80 }, (_, i) => `${i + 1}. a line of a long answer`).join('\n');
    model.enqueue(textResponse(lines, { chunkSize: 24, delayMs: 25 }));
    await ask(page, 'Give me a long answer');
    const scroller = page.locator('.chat-scroller');
    const atBottom = () => scroller.evaluate((e) => e.scrollHeight - e.scrollTop - e.clientHeight <= 24);
    const scrollTop = () => scroller.evaluate((e) => e.scrollTop);
    await page.waitForFunction(() => {
      const e = document.querySelector('.chat-scroller')!;
      return e.scrollHeight > e.clientHeight * 1.5;
    });
    assert.ok(await atBottom(), 'following the stream');
    await scroller.hover();
    await page.mouse.wheel(0, -300);
    await page.waitForSelector('[data-testid="chat-jump-latest"]');
    const held = await scrollTop();
    await page.waitForTimeout(300);
    assert.equal(await scrollTop(), held, 'the text the user scrolled to stays put while more arrives');
    await page.click('[data-testid="chat-jump-latest"]');
    assert.ok(await atBottom());
    await page.waitForSelector('[data-testid="chat-jump-latest"]', { state: 'detached' });
    await waitForAnswers(page, 3);
    // Sending always goes to the bottom.
    await scroller.evaluate((e) => e.scrollTo(0, 0));
    model.enqueue(textResponse('Short.'));
    await ask(page, 'And briefly?');
    assert.ok(await atBottom(), 'sending scrolled down');
    await waitForAnswers(page, 4);
  });

  test('stop keeps the answer so far, marked stopped; the next question can be asked', async () => {
    model.enqueue(textResponse('word '.repeat(400), { chunkSize: 5, delayMs: 40 }));
    await ask(page, 'Talk for a while');
    await page.waitForSelector('[data-testid="chat-message"][data-status="streaming"] [data-testid="chat-answer"]');
    await page.click('[data-testid="chat-stop"]');
    const stopped = page.locator('[data-testid="chat-message"][data-status="stopped"]');
    await stopped.waitFor();
    const kept = await stopped.locator('[data-testid="chat-answer"]').textContent();
    await page.waitForTimeout(400);
    assert.equal(await stopped.locator('[data-testid="chat-answer"]').textContent(), kept, 'nothing is added after Stop');
    assert.ok(kept!.length < 'word '.repeat(400).trim().length);
    assert.match((await stopped.textContent())!, /Stopped\./);
    await page.waitForSelector('[data-testid="chat-send"]');
  });

  test('a model failing mid-stream shows why, with Retry; retrying asks the question again', async () => {
    model.enqueue({ kind: 'fail_mid_stream', chunks: ['Half an ', 'answer'], delayMs: 10 }, textResponse('The whole answer.'));
    await ask(page, 'Where is the time going?');
    const failed = page.locator('[data-testid="chat-message"][data-status="error"]');
    await failed.waitFor();
    assert.ok((await failed.locator('[data-testid="chat-turn-error"]').textContent())!.length > 'Retry'.length, 'the error says something');
    await screenshot(page, 'chat-error-retry');
    await page.click('[data-testid="chat-retry"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="chat-message"][data-role="assistant"]:last-child')?.getAttribute('data-status') === 'complete',
    );
    const questions = await page.locator('[data-testid="chat-message"][data-role="user"] .chat-question').allTextContents();
    assert.deepEqual(questions.slice(-2), ['Where is the time going?', 'Where is the time going?']);
    assert.equal(await page.locator('[data-testid="chat-answer"]').last().textContent(), 'The whole answer.');
    assert.equal(await page.locator('[data-testid="chat-retry"]').count(), 0, 'the retried turn is not offered again');
  });

  test("Copy puts the answer's Markdown on the clipboard", async () => {
    await page.locator('[data-testid="chat-copy"]').last().click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'The whole answer.');
    assert.equal(await page.locator('[data-testid="chat-copy"]').last().textContent(), 'Copied');
  });

  test('an item the answer cites by its summary id shows in the chart', async () => {
    const summary = summarizeProfile(await importTraceFile(SUCRASE));
    const fn = summary.threads[0].topFunctions.find((f) => f.name === 'processRegion')!;
    const task = summary.threads[0].hotPaths[1];
    model.enqueue(textResponse(`Start with [${fn.id}], on the path [${task.id}].`));
    await ask(page, 'What should I look at?');
    await page.click(`[data-testid="chat-citation"][data-item-id="${fn.id}"]`);
    await page.waitForSelector('[data-testid="sandwich-view"]');
    assert.equal(await page.textContent('[data-testid="details-name"]'), 'processRegion');
    await page.click(`[data-testid="chat-citation"][data-item-id="${task.id}"]`);
    await page.waitForFunction((name) => document.querySelector('[data-testid="details-name"]')?.textContent === name, task.frames.at(-1));
  });

  test('Escape closes the chat and gives the keyboard back to its button; reopened, the conversation is there as it was', async () => {
    const shown = await conversationShown(page);
    const asked = model.requests.length;
    await page.focus('[data-testid="chat-input"]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="chat-window"]', { state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'chat-button');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="chat-window"]');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'chat-input');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="chat-message"]').length === n, shown.length);
    assert.deepEqual(await conversationShown(page), shown, 'what the host kept is what was shown live');
    assert.equal(model.requests.length, asked, 'reopening asked nothing again');
  });

  test('the chat in the dark theme', async () => {
    const dark = await newPage(app.browser, app.host.url, { colorScheme: 'dark', width: 1024, height: 700 });
    try {
      await waitForChart(dark.page, 'sucrase.cpuprofile');
      await dark.page.click('[data-testid="chat-button"]');
      await dark.page.waitForSelector('[data-testid="chat-message"][data-status="complete"]');
      const background = await dark.page.$eval('[data-testid="chat-window"]', (e) => getComputedStyle(e).backgroundColor);
      const [r, g, b] = background.match(/\d+/g)!.map(Number);
      assert.ok(r + g + b < 150, `dark chat (${background})`);
      await screenshot(dark.page, 'chat-dark');
    } finally {
      await dark.context.close();
    }
  });

  test('New starts another conversation, which asks its own initial analysis', async () => {
    model.enqueue(textResponse('A fresh look.'));
    await page.click('[data-testid="chat-new-conversation"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="chat-message"]').length === 2);
    await waitForAnswers(page, 1);
    assert.deepEqual(
      (await conversationShown(page)).map((m) => m.text),
      [INITIAL_ANALYSIS_PROMPT, 'A fresh look.'],
    );
  });
});

interface TraceWindow {
  host: PageHost;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** The browser host with this environment, and a 1024x700 window in `browser` showing sucrase's chart. */
async function windowWithTrace(browser: Browser, env: Environment): Promise<TraceWindow> {
  const host = await startHost({ env });
  const { context, page } = await newPage(browser, host.url, { width: 1024, height: 700 });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await dropFile(page, SUCRASE);
  await waitForChart(page, 'sucrase.cpuprofile');
  return {
    host,
    browser,
    context,
    page,
    async close() {
      await context.close();
      await host.stop();
    },
  };
}

async function signInWithPassword(page: Page): Promise<void> {
  await page.fill('[data-testid="sign-in-email"]', EMAIL);
  await page.fill('[data-testid="sign-in-password"]', PASSWORD);
  await page.press('[data-testid="sign-in-password"]', 'Enter');
  await page.waitForSelector('[data-testid="chat-setup"]', { state: 'detached' });
}

/** Every message as the user sees it: who, its status, its text (and for a failed answer, why). */
function conversationShown(page: Page): Promise<{ role: string | null; status: string | null; text: string }[]> {
  return page.locator('[data-testid="chat-message"]').evaluateAll((messages) =>
    messages.map((m) => ({
      role: m.getAttribute('data-role'),
      status: m.getAttribute('data-status'),
      text: [...m.querySelectorAll('.chat-question, [data-testid="chat-answer"], [data-testid="chat-turn-error"] p')]
        .map((part) => part.textContent)
        .join(' | '),
    })),
  );
}

async function ask(page: Page, question: string): Promise<void> {
  await page.fill('[data-testid="chat-input"]', question);
  await page.press('[data-testid="chat-input"]', 'Enter');
}

async function waitForAnswers(page: Page, complete: number): Promise<void> {
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="chat-message"][data-role="assistant"][data-status="complete"]').length === n,
    complete,
  );
}

/** The analysis streams (text shows before the answer is complete) and renders its Markdown. */
async function assertInitialAnalysisStreams(page: Page, model: ScriptedModelServer): Promise<void> {
  await page.waitForSelector('[data-testid="chat-message"][data-status="streaming"] [data-testid="chat-answer"]');
  const partial = (await page.textContent('[data-testid="chat-answer"]'))!;
  await page.waitForSelector('[data-testid="chat-message"][data-status="complete"]');
  const answer = page.locator('[data-testid="chat-answer"]').first();
  const whole = (await answer.textContent())!;
  assert.ok(partial.length > 0 && partial.length < whole.length, `text showed while streaming (${partial.length} of ${whole.length} characters)`);
  assert.equal(await answer.locator('h2').textContent(), 'What stands out');
  assert.deepEqual(await answer.locator('li').allTextContents(), ['Object.keys.forEach has the most self time', 'GC runs often but briefly']);
  assert.deepEqual(await answer.locator('td').allTextContents(), ['processRegion', '1.52 s']);
  assert.equal(await answer.locator('pre code').textContent(), 'keywords.some((k) => startsWithKeyword(k));\n');
  // Asked once, with the trace's summary: what the model read names the trace's hottest function.
  assert.equal(model.requests.length, 1);
  const sucraseTop = summarizeProfile(await importTraceFile(SUCRASE)).threads[0].topFunctions[0].name;
  assert.ok(JSON.stringify(model.requests[0].body.messages).includes(sucraseTop), 'the model read the trace summary');
}

async function assertFollowUpUsesHistory(page: Page, model: ScriptedModelServer): Promise<void> {
  // The scripted answer reports what the model received: the earlier turns come with the question.
  model.enqueue((request) => {
    const messages = request.body.messages ?? [];
    const earlierAnswer = messages.filter((m) => m.role === 'assistant').map((m) => String(m.content));
    const question = String(messages.at(-1)?.content ?? '');
    return textResponse(
      `You asked: **${question.split('\n').join(' / ')}**. Before that I said ${earlierAnswer.length} thing(s), starting "${earlierAnswer[0]?.slice(0, 18)}".`,
    );
  });
  const timed = () => page.evaluate(() => (window as unknown as { __traceAnalyserDebug: TraceAnalyserDebug }).__traceAnalyserDebug.chatTurns);
  const timedBefore = (await timed()).length;
  const input = page.locator('[data-testid="chat-input"]');
  await input.focus();
  await page.keyboard.type('Which function should I fix first?');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('Keep it short.');
  await page.keyboard.press('Enter');
  assert.equal(await input.inputValue(), '', 'sent: the field is empty');
  const question = page.locator('[data-testid="chat-message"][data-role="user"]').last();
  assert.equal(await question.locator('.chat-question').textContent(), 'Which function should I fix first?\nKeep it short.');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="chat-message"][data-role="assistant"][data-status="complete"]').length === 2);
  const request = model.requests.at(-1);
  assert.ok(JSON.stringify(request.body.messages).includes('## What stands out'), 'the history carried the initial analysis');
  // The chat bench's probe timed this turn, from Enter to its first character on screen. It records
  // after the paint that follows the first text (a frame and a message later), so wait for it.
  await page.waitForFunction(
    (count) => (window as unknown as { __traceAnalyserDebug: TraceAnalyserDebug }).__traceAnalyserDebug.chatTurns.length === count,
    timedBefore + 1,
  );
  const turns = await timed();
  assert.ok(turns.at(-1).firstCharacterPaintedAt > turns.at(-1).sentAt);
  assert.equal(
    await page.locator('[data-testid="chat-answer"]').last().textContent(),
    'You asked: Which function should I fix first? / Keep it short.. Before that I said 1 thing(s), starting "## What stands out".',
  );
}
