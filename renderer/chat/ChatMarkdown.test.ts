// Answers render as Markdown and stay inert: what a model (or a trace's
// function names it quotes) writes can neither run script nor load anything.
// The real component rendered by React, read back as HTML.
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { ChatMarkdown, CitedItems } from './ChatMarkdown.tsx';

const EVERY_ID_KNOWN = { isKnown: () => true, show: () => true };

const render = (text: string) => renderToStaticMarkup(createElement(ChatMarkdown, { text }));

test('code, lists and tables render as such', () => {
  const html = render('Hot path:\n\n1. `parse`\n2. `tokenize`\n\n| fn | self |\n|:--|--:|\n| parse | 120 ms |\n\n```js\nconst a = 1 < 2;\n```');
  assert.match(html, /<ol>\s*<li><code>parse<\/code><\/li>/);
  assert.match(html, /<div class="chat-table"><table><thead><tr><th[^>]*>fn<\/th>/);
  assert.match(html, /<td style="text-align:right">120 ms<\/td>/);
  assert.match(html, /<pre><code class="language-js">const a = 1 &lt; 2;\n<\/code><\/pre>/);
});

test('HTML from the model or the trace shows as text, never as elements', () => {
  const html = render(
    'The hot function is <anonymous>; <img src=x onerror="window.pwned=1"> <script>alert(1)</script>\n\n<iframe src="https://evil.example"></iframe>\n\n<a href="javascript:alert(1)">click</a>',
  );
  assert.ok(html.includes('&lt;anonymous&gt;'), 'a function name in angle brackets stays readable');
  assert.ok(html.includes('&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;'));
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.includes('&lt;iframe src=&quot;https://evil.example&quot;&gt;&lt;/iframe&gt;'));
  for (const tag of ['img', 'script', 'iframe', 'a']) assert.doesNotMatch(html, new RegExp(`<${tag}[\\s>]`), tag);
  assert.doesNotMatch(html, /<[^>]*\son[a-z]+=/, 'no event handler attribute');
});

test('images never load: their alt text shows in their place', () => {
  const html = render('Look: ![flame graph](http://127.0.0.1:9/pixel.png) and ![](https://evil.example/t.gif)');
  assert.doesNotMatch(html, /<img|<link|preload/);
  assert.doesNotMatch(html, /pixel\.png|t\.gif/);
  assert.ok(html.includes('[image: flame graph]'));
  assert.ok(html.includes('[image]'));
});

test('https links stay links (opened through the host); any other scheme is plain text', () => {
  const html = render(
    '[docs](https://example.com/docs) [js](javascript:alert(1)) [plain](http://example.com/) [file](file:///etc/passwd) [data](data:text/html,<script>alert(1)</script>)',
  );
  assert.match(html, /<a href="https:\/\/example\.com\/docs" title="https:\/\/example\.com\/docs" rel="noreferrer">docs<\/a>/);
  assert.equal(html.match(/<a /g)?.length, 1, 'only the https link is a link');
  for (const label of ['js', 'plain', 'file', 'data']) assert.ok(html.includes(`<span class="chat-link-refused">${label}</span>`), label);
  assert.doesNotMatch(html, /javascript:|file:|data:/);
});

test('items cited by their summary id are buttons that show them; in code they stay code', () => {
  const text = 'Most time is in [fn382] on [thread t0], see [task:t0:12] and [path:t0:40]. Not `[fn7]`, nor [fn](https://example.com/).';
  const html = renderToStaticMarkup(createElement(CitedItems.Provider, { value: EVERY_ID_KNOWN }, createElement(ChatMarkdown, { text })));
  const cited = [...html.matchAll(/<button[^>]*data-item-id="([^"]+)"[^>]*>([^<]*)<\/button>/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(cited, [
    ['fn382', 'fn382'],
    ['thread t0', 'thread t0'],
    ['task:t0:12', 'task:t0:12'],
    ['path:t0:40', 'path:t0:40'],
  ]);
  assert.match(html, /<code>\[fn7\]<\/code>/);
  const page = renderToStaticMarkup(
    createElement(
      CitedItems.Provider,
      { value: EVERY_ID_KNOWN },
      createElement(ChatMarkdown, {
        text: 'LCP of [nav1] waited on [req12] and [req3]; [cluster2] holds [shift4]; [int1] is slowest. Not [request1] nor [nav].',
      }),
    ),
  );
  assert.deepEqual(
    [...page.matchAll(/data-item-id="([^"]+)"/g)].map((m) => m[1]),
    ['nav1', 'req12', 'req3', 'cluster2', 'shift4', 'int1'],
  );
  assert.match(page, /Not \[request1\] nor \[nav\]/);
  // Without a trace to show them in, citations read as the text they were.
  assert.match(render('See [fn382].'), /<p>See <span class="chat-citation">\[fn382\]<\/span>\.<\/p>/);
});

test('an id that names nothing in the open trace stays plain text; the others are buttons', () => {
  const known = new Set(['fn3', 'task:p1:t1:2']);
  const items = { isKnown: (id: string) => known.has(id), show: () => true };
  const html = renderToStaticMarkup(
    createElement(
      CitedItems.Provider,
      { value: items },
      createElement(ChatMarkdown, { text: 'In [fn3] and [fn99], during [task:p1:t1:2], not [task:p1:t1:999999].' }),
    ),
  );
  assert.deepEqual(
    [...html.matchAll(/data-item-id="([^"]+)"/g)].map((m) => m[1]),
    ['fn3', 'task:p1:t1:2'],
  );
  assert.match(html, /<\/button> and \[fn99\], during <button/);
  assert.match(html, /not \[task:p1:t1:999999\]\.<\/p>/);
});
