// `@pnl-voice/client/embed`: loadEmbed against a fake document, and on the server.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { loadEmbed } from '@pnl-voice/client/embed';

/** A document whose <head> records the scripts appended to it. */
function fakeDocument() {
  const scripts = [];
  return {
    scripts,
    createElement: (tag) => {
      assert.equal(tag, 'script');
      const script = { remove: () => scripts.splice(scripts.indexOf(script), 1) };
      return script;
    },
    head: { append: (script) => scripts.push(script) },
  };
}

afterEach(() => {
  delete globalThis.document;
  delete globalThis.PNLVoice;
});

test('loadEmbed rejects on the server, where there is no document', async () => {
  await assert.rejects(loadEmbed('https://voice.example'), /runs in the browser/);
});

test('loadEmbed injects embed.js once and resolves with PNLVoice', async () => {
  const document = fakeDocument();
  globalThis.document = document;
  const first = loadEmbed('https://voice.example/');
  const second = loadEmbed('https://voice.example/');
  assert.equal(document.scripts.length, 1);
  const [script] = document.scripts;
  assert.equal(script.src, 'https://voice.example/dist/embed.js');
  assert.equal(script.async, true);
  const api = { embed: () => undefined };
  globalThis.PNLVoice = api;
  script.onload();
  assert.equal(await first, api);
  assert.equal(await second, api);
  assert.equal(await loadEmbed('https://voice.example'), api);
  assert.equal(document.scripts.length, 1);
});

test('loadEmbed rejects when the script fails, and tries again on the next call', async () => {
  const document = fakeDocument();
  globalThis.document = document;
  const failed = loadEmbed('https://voice.example');
  document.scripts[0].onerror();
  await assert.rejects(failed, /Could not load https:\/\/voice\.example\/dist\/embed\.js/);
  assert.equal(document.scripts.length, 0);
  const retried = loadEmbed('https://voice.example');
  assert.equal(document.scripts.length, 1);
  document.scripts[0].onload();
  await assert.rejects(retried, /did not define PNLVoice/);
});
