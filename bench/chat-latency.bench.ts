// From Enter in the chat to the first streamed character painted, through the
// whole path: real Chromium on the browser host, the desktop services in
// Node (chat bridge, account), the stand-in with the socket function and
// process-ai-turn in real Deno, Realtime, the host's WebSocket (the IPC of the
// browser host), React. The scripted model answers at once. 50 turns in cloud
// mode, then 50 in local mode (the host calls the model itself).
//
// The page-side probe needs the chat UI (renderer/chat, branch chat-ui): the
// textarea [data-testid="chat-input"] (Enter sends), assistant messages as
// [data-testid="chat-message"][data-role="assistant"] with the text in
// [data-testid="chat-answer"]. Enter is timed by a capturing keydown listener;
// "painted" is the first frame after the answer's text enters the DOM (a
// requestAnimationFrame, then a task, which runs after that frame's paint).
// Without the chat UI, the probe sends through window.traceAnalyser instead
// and times to the first answer event reaching the page (no React, no paint),
// and says so. Either way, the first event's arrival in the page is reported.
//
// Baseline, same run: the scripted model reached directly with the openai
// client (request to first delta); target: p50 <= 150 ms over it.
// Writes bench-output/chat-latency.json.
//
// The page is the renderer as Vite serves the sources (React's development
// build); BENCH_RENDERER=production measures the minified build the app ships.
//
// Run: npm run bench -- chat   (BENCH_CHAT_TURNS=50 turns per mode)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startBrowserHost } from '../electron/browser-host/browser-host.ts';
import { SAMPLE_TRACES } from '../shared-importer/node/trace-fixtures.ts';
import { textResponse } from '../test-support/scripted-model/scripted-model-server.ts';
import { startCloudStack } from '../tests/cloud/cloud-harness.ts';
import { launchChromium, newPage, waitForChart } from '../tests/e2e/e2e-support.ts';
import { percentile, printTable, round, writeBenchReport } from './bench-report.ts';
import { directModelFirstDeltaMs } from './model-baseline.ts';

const TRACE_FILE = join(SAMPLE_TRACES, 'stackcollapse/perf-vertx-stacks-01-collapsed-all.txt');
const TURNS = Number(process.env.BENCH_CHAT_TURNS ?? 50);
const WARM_UP_TURNS = 3;
const EMAIL = 'bench@example.com';
const PASSWORD = 'correct horse battery';
const TARGET_OVER_MODEL_MS = 150;
const RENDERER = process.env.BENCH_RENDERER === 'production' ? 'production' : 'dev';

interface TurnTiming {
  /** Enter (or the send call) to the first answer event arriving in the page. */
  toEventMs: number;
  /** Enter to the first character painted; null without the chat UI. */
  toPaintMs: number | null;
}

// The probe runs in the page as written (plain JavaScript: no transpiler helpers reach the page).
const PROBE_SOURCE = `(() => {
  const assistantAnswers = () => document.querySelectorAll('[data-testid="chat-message"][data-role="assistant"]');
  const firstAppend = new Map();
  const ended = new Set();
  window.traceAnalyser.onChatEvent((event) => {
    if (event.type === 'model_chunk_append' && !firstAppend.has(event.turnId)) firstAppend.set(event.turnId, performance.now());
    if (event.type === 'model_response_end' || event.type === 'error' || event.type === 'interrupted') ended.add(event.turnId);
  });
  // A frame, then a task: the task runs after that frame was painted.
  const afterPaint = () => new Promise((resolve) => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(performance.now());
    channel.port2.postMessage(null);
  }));
  window.__chatProbe = {
    // Call before Enter is pressed in the chat input: resolves once the new answer's first text is painted.
    armForEnter() {
      const before = assistantAnswers().length;
      const turnsBefore = new Set(firstAppend.keys());
      let enterAt = NaN;
      document.addEventListener('keydown', (e) => { if (e.key === 'Enter') enterAt = performance.now(); }, { capture: true, once: true });
      return new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          const answers = assistantAnswers();
          const text = answers.length > before ? (answers[answers.length - 1].querySelector('[data-testid="chat-answer"]')?.textContent ?? '') : '';
          if (text === '') return;
          observer.disconnect();
          afterPaint().then((paintAt) => {
            const entry = [...firstAppend].find(([turnId]) => !turnsBefore.has(turnId));
            resolve({ enterAt, eventAt: entry ? entry[1] : NaN, paintAt });
          });
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      });
    },
    // Without the chat UI: sends through the API; resolves when the answer's first event arrives (after waiting for its end).
    // Without the chat UI: opens the chat and resolves once it is connected.
    async openAndWait(traceId) {
      let connected = false;
      const off = window.traceAnalyser.onChatConnection((e) => { connected = e.state === 'open'; });
      const snapshot = await window.traceAnalyser.openChat(traceId);
      connected ||= snapshot.connection.state === 'open';
      while (!connected) await new Promise((r) => setTimeout(r, 5));
      off();
    },
    async sendAndWait(traceId, prompt) {
      const sentAt = performance.now();
      const { turnId } = await window.traceAnalyser.sendChatMessage(traceId, prompt);
      while (!ended.has(turnId)) await new Promise((r) => setTimeout(r, 1));
      return { sentAt, eventAt: firstAppend.get(turnId) ?? NaN };
    },
  };
  return { ui: document.querySelector('[data-testid="chat-button"]') !== null };
})()`;

/** Installs the probe in the page; `ui` says whether the chat UI is there to drive. */
async function installProbe(page: Page): Promise<{ ui: boolean }> {
  return page.evaluate<{ ui: boolean }>(PROBE_SOURCE);
}

type Probe = {
  openAndWait(traceId: string): Promise<void>;
  armForEnter(): Promise<{ enterAt: number; eventAt: number; paintAt: number }>;
  sendAndWait(traceId: string, prompt: string): Promise<{ sentAt: number; eventAt: number }>;
};

async function uiTurn(page: Page, prompt: string): Promise<TurnTiming> {
  // The previous answer is over (the UI takes one question at a time).
  await page.waitForFunction(() => {
    const answers = document.querySelectorAll('[data-testid="chat-message"][data-role="assistant"]');
    const last = answers[answers.length - 1];
    return !last || last.getAttribute('data-status') !== 'streaming';
  });
  await page.fill('[data-testid="chat-input"]', prompt);
  const result = page.evaluate(() => (window as unknown as { __chatProbe: Probe }).__chatProbe.armForEnter());
  await page.press('[data-testid="chat-input"]', 'Enter');
  const { enterAt, eventAt, paintAt } = await result;
  return { toEventMs: eventAt - enterAt, toPaintMs: paintAt - enterAt };
}

async function apiTurn(page: Page, traceId: string, prompt: string): Promise<TurnTiming> {
  const { sentAt, eventAt } = await page.evaluate(
    ({ traceId, prompt }) => (window as unknown as { __chatProbe: Probe }).__chatProbe.sendAndWait(traceId, prompt),
    { traceId, prompt },
  );
  return { toEventMs: eventAt - sentAt, toPaintMs: null };
}

async function openChat(page: Page, ui: boolean, traceId: string): Promise<void> {
  if (ui) {
    if (!(await page.isVisible('[data-testid="chat-window"]'))) await page.click('[data-testid="chat-button"]');
    // The UI asks the initial analysis on its own once connected; wait for it to finish.
    await page.waitForSelector('[data-testid="chat-message"][data-role="assistant"]:not([data-status="streaming"])', { timeout: 60_000 });
  } else {
    await page.evaluate((traceId) => (window as unknown as { __chatProbe: Probe }).__chatProbe.openAndWait(traceId), traceId);
  }
}

const stats = (values: number[]) => ({ n: values.length, p50Ms: round(percentile(values, 50)), p95Ms: round(percentile(values, 95)) });

async function main(): Promise<void> {
  const stack = await startCloudStack({ AI_TURNS_PER_MINUTE: '100000' });
  stack.model.setFallback((request) => textResponse(`Answer to: ${String(request.body.messages?.at(-1)?.content)}`, { chunkSize: 8 }));
  await stack.standin.createUser(EMAIL, PASSWORD);
  const host = await startBrowserHost({
    file: TRACE_FILE,
    userDataDir: mkdtempSync(join(tmpdir(), 'ta-chat-bench-')),
    env: { SUPABASE_URL: stack.standin.url, SUPABASE_ANON_KEY: stack.standin.anonKey },
    renderer: RENDERER,
  });
  const browser = await launchChromium();
  try {
    const { page } = await newPage(browser, host.url);
    await page.evaluate(({ email, password }) => window.traceAnalyser.signIn(email, password), { email: EMAIL, password: PASSWORD });
    await waitForChart(page, 'perf-vertx-stacks-01-collapsed-all.txt');
    const traceId = (await page.evaluate(() => window.traceAnalyser.getTraceState())).loaded!.traceId;
    const { ui } = await installProbe(page);
    const turn = (prompt: string) => (ui ? uiTurn(page, prompt) : apiTurn(page, traceId, prompt));

    const byMode: Record<'cloud' | 'local', TurnTiming[]> = { cloud: [], local: [] };
    for (const mode of ['cloud', 'local'] as const) {
      if (mode === 'local') {
        await page.evaluate(
          (baseURL) => window.traceAnalyser.saveSettings({ mode: 'local', modelBaseUrl: baseURL, model: 'scripted-model', apiKey: 'scripted-key' }),
          stack.model.baseURL,
        );
      }
      await openChat(page, ui, traceId);
      // Warm-up: boots the functions' Deno processes (cloud) and the model client's connections.
      for (let i = 0; i < WARM_UP_TURNS; i++) await turn(`warm-up ${mode} ${i}`);
      for (let i = 0; i < TURNS; i++) byMode[mode].push(await turn(`${mode} turn ${i}`));
    }
    const baseline = stats(await directModelFirstDeltaMs(stack.model.baseURL, TURNS));

    const measured = ui ? 'Enter -> first character painted' : 'send -> first answer event in the page (no chat UI in this build: no React render, no paint)';
    const summarise = (timings: TurnTiming[]) => {
      const headline = stats(timings.map((t) => t.toPaintMs ?? t.toEventMs));
      return {
        [ui ? 'enterToPaint' : 'sendToEvent']: headline,
        toFirstEventInPage: stats(timings.map((t) => t.toEventMs)),
        overModelP50Ms: round(headline.p50Ms - baseline.p50Ms),
      };
    };
    const report = {
      measured,
      renderer: RENDERER,
      turnsPerMode: TURNS,
      baselineDirectModelFirstDelta: baseline,
      cloud: summarise(byMode.cloud),
      local: summarise(byMode.local),
      targetOverModelP50Ms: TARGET_OVER_MODEL_MS,
    };

    console.log(`\nChat latency (ms): ${measured}; instant scripted model; renderer ${RENDERER}`);
    const row = (name: string, values: number[]) => {
      const s = stats(values);
      return [name, String(s.n), String(s.p50Ms), String(s.p95Ms), String(round(s.p50Ms - baseline.p50Ms))];
    };
    printTable(
      ['path', 'n', 'p50', 'p95', 'p50 over model'],
      [
        ['model alone (baseline)', String(baseline.n), String(baseline.p50Ms), String(baseline.p95Ms), '0'],
        row(
          'cloud',
          byMode.cloud.map((t) => t.toPaintMs ?? t.toEventMs),
        ),
        row(
          'cloud, to the event in the page',
          byMode.cloud.map((t) => t.toEventMs),
        ),
        row(
          'local',
          byMode.local.map((t) => t.toPaintMs ?? t.toEventMs),
        ),
        row(
          'local, to the event in the page',
          byMode.local.map((t) => t.toEventMs),
        ),
      ],
    );
    console.log(`target: p50 <= ${TARGET_OVER_MODEL_MS} ms over the model's own latency`);
    writeBenchReport('chat-latency', report);
  } finally {
    await browser.close();
    await host.stop();
    await stack.stop();
  }
}

await main();
