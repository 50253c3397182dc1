// Server-side rendering in plain node, as Next.js does it: importing the
// package and rendering <VoiceRoom> must not touch `window` or `document`,
// create a room, or fetch anything.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';

const MARKET = 'C9JEs1cDmZ9wHmDRzVyYRuyBmH7uqVBAaN3FsKqVyfxX';

test('the package imports and renders on the server without a browser', async () => {
  assert.equal(typeof window, 'undefined', 'this test must run without a window');
  assert.equal(typeof document, 'undefined', 'this test must run without a document');
  const { VoiceRoom } = await import('../dist/index.js');
  const never = (what) => () => {
    throw new Error(`${what} ran during server rendering`);
  };
  const html = renderToString(
    createElement(VoiceRoom, {
      serverUrl: 'https://voice.example.com',
      marketAddress: MARKET,
      auth: { token: 'a-token' },
      autoJoin: true,
      createRoom: never('createRoom'),
      fetchPreview: never('fetchPreview'),
    }),
  );
  assert.equal(typeof window, 'undefined', 'rendering defined a window');
  assert.match(html, /^<section class="pnl-voice"/);
  assert.match(html, /data-connection="idle"/);
  assert.match(html, /<h2 id="[^"]+" class="pnl-voice-title">Market voice room<\/h2>/);
  assert.match(html, /role="status" aria-live="polite">Press Listen to join\./);
  assert.match(html, /<button type="button" class="pnl-voice-button pnl-voice-listen" data-variant="primary"[^>]*>Listen<\/button>/);
  assert.doesNotMatch(html, /<audio/);
});

test('the title prop and the default SDK (no stand-ins) render on the server too', async () => {
  const { VoiceRoom } = await import('../dist/index.js');
  const html = renderToString(
    createElement(VoiceRoom, {
      serverUrl: 'https://voice.example.com',
      marketAddress: MARKET,
      title: 'Will SOL close above $300 on Friday?',
      className: 'market-voice',
    }),
  );
  assert.match(html, /class="pnl-voice market-voice"/);
  assert.match(html, /Will SOL close above \$300 on Friday\?/);
  assert.equal(typeof window, 'undefined');
});
