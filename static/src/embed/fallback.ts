/**
 * The readable explanation shown in the host page when the room never
 * loaded in its iframe: most often the voice server refused to be framed
 * by this page's origin (its Content-Security-Policy `frame-ancestors`),
 * which the browser would otherwise show as a grey "refused to connect" box.
 */
import type { EmbedMode } from '@pnl-voice/client/embed';

export interface FallbackText {
  /** This page's origin. */
  pageOrigin: string;
  /** The voice server's origin. */
  voiceOrigin: string;
  /** The room on the voice server's own site, a way to listen anyway. */
  roomUrl: string;
}

const BOX = [
  'box-sizing:border-box',
  'font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif',
  'color:#16181d',
  'background:#fff8e6',
  'border:1px solid #b35c00',
  'border-radius:12px',
  'padding:12px 16px',
  'overflow-wrap:anywhere',
].join(';');

const DOCKED =
  ';position:fixed;z-index:2147483000;right:max(12px,env(safe-area-inset-right));' +
  'bottom:max(12px,env(safe-area-inset-bottom));width:min(360px,calc(100vw - 24px));' +
  'box-shadow:0 8px 24px rgb(0 0 0 / 0.18)';

function paragraph(...children: (Node | string)[]): HTMLParagraphElement {
  const p = document.createElement('p');
  p.style.margin = '0 0 8px';
  p.append(...children);
  return p;
}

function strong(text: string): HTMLElement {
  const b = document.createElement('strong');
  b.textContent = text;
  return b;
}

function code(text: string): HTMLElement {
  const c = document.createElement('code');
  c.textContent = text;
  return c;
}

/** The message box (role=alert), with a link to the room on the voice server's own site. */
export function fallbackBox(text: FallbackText, mode: EmbedMode): HTMLElement {
  const box = document.createElement('div');
  box.setAttribute('role', 'alert');
  box.dataset.pnlVoice = 'fallback';
  box.style.cssText = BOX + (mode === 'docked' ? DOCKED : '');
  const link = document.createElement('a');
  link.href = text.roomUrl;
  link.target = '_blank';
  link.rel = 'noopener';
  link.textContent = 'Open the voice room in a new tab';
  link.style.color = '#1c3faa';
  box.append(
    paragraph(strong('The voice room could not be shown here.')),
    paragraph(
      'This page (',
      strong(text.pageOrigin),
      ') is not allowed to embed voice rooms from ',
      strong(text.voiceOrigin),
      '.',
    ),
    paragraph(
      'The operator of the voice server can allow it by adding ',
      code(text.pageOrigin),
      ' to the ',
      code('PNL_VOICE_ALLOWED_ORIGINS'),
      ' setting.',
    ),
    link,
  );
  if (mode === 'docked') {
    // Docked, the box covers part of the market page: let the user put it away.
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Dismiss';
    close.style.cssText = 'display:block;margin-top:8px;min-height:44px;padding:0 16px;font:inherit;cursor:pointer';
    close.addEventListener('click', () => box.remove());
    box.append(close);
  }
  return box;
}
