/**
 * The iframe of the room page. Inline, it sits in the page's flow. Docked,
 * it is itself the mini-player: fixed to the bottom-right corner of the
 * viewport (clear of the safe areas), so it stays on screen while the
 * market page scrolls, and sized by the room page's `layout` messages.
 */
import type { EmbedMode, Layout } from '@pnl-voice/client/embed';

/** What the docked frame is before the room page says otherwise: the collapsed pill. */
export const INITIAL_LAYOUT: Layout = { mode: 'collapsed', width: 380, height: 72 };

/** Never wider or taller than the viewport minus this margin (px). */
const MARGIN = 12;

const DOCKED = [
  'position:fixed',
  'z-index:2147483000',
  `right:max(${MARGIN}px,env(safe-area-inset-right))`,
  `bottom:max(${MARGIN}px,env(safe-area-inset-bottom))`,
  'border:0',
  'border-radius:18px',
  'box-shadow:0 8px 28px rgb(0 0 0 / 0.22)',
  'background:transparent',
  'color-scheme:normal',
].join(';');

export function roomUrl(serverUrl: string, market: string, mode: EmbedMode): string {
  const url = new URL(`/rooms/${encodeURIComponent(market)}`, serverUrl);
  if (mode === 'docked') url.searchParams.set('view', 'mini');
  return url.href;
}

export function createFrame(src: string, mode: EmbedMode, title: string, height: string): HTMLIFrameElement {
  const iframe = document.createElement('iframe');
  iframe.src = src;
  iframe.allow = 'microphone; autoplay; clipboard-write';
  iframe.title = title;
  iframe.dataset.pnlVoice = mode;
  if (mode === 'docked') {
    iframe.style.cssText = DOCKED;
    applyLayout(iframe, INITIAL_LAYOUT);
  } else {
    iframe.loading = 'lazy';
    iframe.style.cssText = `display:block;width:100%;max-width:100%;border:0;border-radius:12px;height:${height}`;
  }
  return iframe;
}

/** Sizes the docked frame as asked, within the viewport. */
export function applyLayout(iframe: HTMLIFrameElement, layout: Layout): void {
  const width = Math.max(200, Math.min(1200, Math.round(layout.width)));
  const height = Math.max(48, Math.min(1200, Math.round(layout.height)));
  iframe.style.width = `min(${width}px, calc(100vw - ${2 * MARGIN}px))`;
  // `dvh` follows the phone's collapsing toolbars; browsers without it keep the `vh` value.
  iframe.style.height = `min(${height}px, calc(100vh - ${2 * MARGIN}px))`;
  iframe.style.height = `min(${height}px, calc(100dvh - ${2 * MARGIN}px))`;
  iframe.dataset.layout = layout.mode;
}
