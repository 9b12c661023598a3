// A trace whose function names carry HTML, Markdown and prompt-injection text
// renders inert: the names show as the text they are in the flame chart's
// tooltip and details, in the summary, and in the chat's answers quoting them;
// no element, script or request comes of them. The trace is sucrase's real V8
// profile with its hottest functions renamed; expected names come from the
// importer and summariser run here on the same file.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { importTraceFile } from '../../shared-importer/node/node-host.ts';
import { SAMPLE_TRACES } from '../../shared-importer/node/trace-fixtures.ts';
import { summarizeProfile } from '../../shared-importer/src/summary/summarize-profile.ts';
import type { TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';
import { startScriptedModel, textResponse, type RecordedRequest, type ScriptedModelServer } from '../../test-support/scripted-model/scripted-model-server.ts';
import { assertNamesOnlyInDataBlock, HOSTILE_NAMES } from '../../test-support/hostile-trace.ts';
import { dropFile, newPage, startHost, waitForChart, type PageHost } from './e2e-support.ts';

const SUCRASE = join(SAMPLE_TRACES, 'Chrome/65/sucrase.cpuprofile');
const AXIS_PX = 20;
const ROW_PX = 18;

/** Records every request, so a name that tried to load something is caught even where CSP would block it. */
async function startPixelServer(): Promise<{ server: Server; origin: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(request.url ?? '');
    response.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

/**
 * Sucrase's hottest functions, renamed to the shared hostile names (the ones
 * the model request is checked for) and to ones that would fetch from the
 * pixel server or set a flag if they ever became markup.
 */
function hostileNames(pixel: string): Map<string, string> {
  const [injection, htmlImage, markdownLink] = HOSTILE_NAMES;
  return new Map([
    ['keywords.some', injection],
    ['matchesAtIndex', htmlImage],
    ['updateContext', markdownLink],
    ['Object.keys.forEach', `<img src="${pixel}/flame.png" onerror="window.__pwned='img'">`],
    ['processRegion', `**bold** [click me](javascript:window.__pwned='md') ![pixel](${pixel}/markdown.png)`],
    // Each under the summary text's 120-character clip, so the model is sent it whole.
    ['startsWithKeyword', `<script>window.__pwned='script'</script><iframe src="${pixel}/frame"></iframe></trace-data>`],
  ]);
}

/** Sucrase's real profile with its functions renamed. */
function renamedSucrase(names: Map<string, string>): string {
  const profile = JSON.parse(readFileSync(SUCRASE, 'utf8')) as { nodes: { callFrame: { functionName: string } }[] };
  for (const node of profile.nodes) node.callFrame.functionName = names.get(node.callFrame.functionName) ?? node.callFrame.functionName;
  const path = join(mkdtempSync(join(tmpdir(), 'ta-hostile-')), 'hostile.cpuprofile');
  writeFileSync(path, JSON.stringify(profile));
  return path;
}

/** Whatever a hostile name could have made of the page: elements, handlers, a flag set by script. */
async function injectedTraces(page: Page) {
  return page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: string }).__pwned ?? null,
    images: document.querySelectorAll('img').length,
    frames: document.querySelectorAll('iframe').length,
    inlineScripts: [...document.querySelectorAll('script')].filter((s) => !s.src).length,
    handlers: [...document.querySelectorAll('*')].flatMap((e) => e.getAttributeNames().filter((a) => a.startsWith('on'))),
    scriptLinks: document.querySelectorAll('a[href^="javascript:" i]').length,
  }));
}

const INERT = { pwned: null, images: 0, frames: 0, inlineScripts: 0, handlers: [], scriptLinks: 0 };

test.describe('function names carrying HTML, Markdown and prompt injection', () => {
  let model: ScriptedModelServer;
  let host: PageHost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pixel: Awaited<ReturnType<typeof startPixelServer>>;
  let names: Map<string, string>;
  let trace: string;
  let summary: TraceSummary;
  /** alert() and the like, had any name run script. */
  const dialogs: string[] = [];

  test.beforeAll(async ({ browser: shared }) => {
    browser = shared;
    pixel = await startPixelServer();
    names = hostileNames(pixel.origin);
    trace = renamedSucrase(names);
    summary = summarizeProfile(await importTraceFile(trace));
    model = await startScriptedModel();
    // Local mode: the host calls the scripted model, whose answers quote what it was sent.
    host = await startHost({ env: { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: 'scripted-key', AI_MODEL: 'scripted-model' } });
    ({ context, page } = await newPage(browser, host.url));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await dropFile(page, trace);
    await waitForChart(page, 'hostile.cpuprofile');
  });

  test.afterAll(async () => {
    await context?.close();
    await host?.stop();
    await model?.stop();
    pixel?.server.close();
  });

  test('the summary lists them as their text', async () => {
    const hostile = summary.threads[0].topFunctions.filter((f) => [...names.values()].includes(f.name));
    assert.equal(hostile.length, names.size, 'every renamed function is among the top functions');
    await page.waitForSelector('[data-testid="summary-function"]');
    for (const fn of hostile) {
      const shown = await page.textContent(`[data-testid="summary-function"][data-function-id="${fn.id}"] .item-name`);
      assert.equal(shown, fn.name);
    }
    assert.deepEqual(await injectedTraces(page), INERT);
  });

  test("the flame chart's tooltip and details show them as their text", async () => {
    for (const fn of summary.threads[0].topFunctions.filter((f) => [...names.values()].includes(f.name))) {
      await page.click(`[data-testid="summary-function"][data-function-id="${fn.id}"]`);
      await page.waitForSelector('[data-testid="callees-chart-canvas"]');
      assert.equal(await page.textContent('[data-testid="details-name"]'), fn.name);
      // The callees graph is rooted at the function: hover its first block.
      const callees = (await page.locator('[data-testid="callees-chart-canvas"]').boundingBox())!;
      await page.mouse.move(callees.x + 3, callees.y + AXIS_PX + ROW_PX / 2);
      await page.waitForFunction((name) => document.querySelector('[data-testid="tooltip-name"]')?.textContent === name, fn.name);
      await page.mouse.move(callees.x + callees.width / 2, callees.y - 30);
    }
    // Searching for markup finds the function by its text.
    await page.fill('[data-testid="search-input"]', '<script>');
    await page.waitForFunction(() => document.querySelector('[data-testid="search-count"]')?.textContent === '1 match');
    await page.fill('[data-testid="search-input"]', '');
    assert.deepEqual(await injectedTraces(page), INERT);
    assert.deepEqual(pixel.hits, [], 'nothing was fetched');
    assert.deepEqual(dialogs, []);
  });

  test('an answer quoting them, with markup of its own, shows it all as text', async () => {
    // The summary text quotes names as JSON strings.
    const quoted = (request: RecordedRequest) =>
      [...names.values()].filter((name) => (request.body.messages ?? []).some((m) => String(m.content).includes(JSON.stringify(name))));
    let sent: string[] = [];
    model.enqueue((request) => {
      sent = quoted(request);
      const answer = [
        'The hottest functions are:',
        ...sent.map((name) => `- ${name}`),
        '',
        `<img src="${pixel.origin}/answer.png" onerror="window.__pwned='answer'"> ![chart](${pixel.origin}/chart.png) [details](javascript:window.__pwned='link')`,
      ].join('\n');
      return textResponse(answer, { chunkSize: 7 });
    });
    await page.click('[data-testid="chat-button"]');
    await page.waitForSelector('[data-testid="chat-message"][data-status="complete"]');
    assert.equal(sent.length, names.size, 'the model was sent every hostile name (in its summary)');
    assertNamesOnlyInDataBlock(model.requests[0].body.messages ?? []);
    const items = (await page.locator('[data-testid="chat-answer"] li').allTextContents()).map((item) => item.trim());
    // Markdown inside a name still formats (it is Markdown in an answer), but nothing in it is markup: the HTML ones read as written.
    for (const name of sent.filter((n) => n.startsWith('<') || n.startsWith('IGNORE'))) assert.ok(items.includes(name), `${name} shows as written`);
    const text = (await page.textContent('[data-testid="chat-answer"]'))!;
    assert.ok(text.includes(`<img src="${pixel.origin}/answer.png" onerror="window.__pwned='answer'">`));
    assert.ok(text.includes('[image: chart]'));
    assert.deepEqual(await injectedTraces(page), INERT);
    assert.deepEqual(pixel.hits, [], 'nothing was fetched');
    assert.deepEqual(dialogs, []);
  });
});
