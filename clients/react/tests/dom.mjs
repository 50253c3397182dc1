// A jsdom window as the browser for React DOM in node. Import this module
// before react-dom: React DOM decides at load time whether a DOM exists.

import { JSDOM, VirtualConsole } from 'jsdom';

const dom = new JSDOM('<!doctype html><html lang="en"><head><title>test</title></head><body></body></html>', {
  url: 'https://market.example/',
  pretendToBeVisual: true,
  // Without "Not implemented" noise (canvas, which axe-core probes for).
  virtualConsole: new VirtualConsole().forwardTo(console, { jsdomErrors: 'none' }),
});

for (const name of ['window', 'document', 'navigator', 'HTMLElement', 'Node', 'Event', 'MouseEvent', 'getComputedStyle']) {
  Object.defineProperty(globalThis, name, { value: name === 'window' ? dom.window : dom.window[name], configurable: true, writable: true });
}
globalThis.IS_REACT_ACT_ENVIRONMENT = true;

/** A fresh container in the document. */
export function container() {
  const div = document.createElement('div');
  document.body.append(div);
  return div;
}
