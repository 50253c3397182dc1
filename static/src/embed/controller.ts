/**
 * One embedded room: the iframe, the message channel to it, the wallet
 * bridge and the fallback. The channel accepts only messages whose source
 * is this iframe's window and whose origin is the voice server's, and
 * posts only to that origin.
 */
import type {
  BridgeRequest,
  EmbedController,
  EmbedMode,
  EmbedOptions,
  FrameEvent,
  FrameEventType,
  HostCommand,
  Layout,
} from '@pnl-voice/client/embed';
import { fallbackBox } from './fallback';
import { applyLayout, createFrame, roomUrl } from './frame-element';
import { DEFAULT_TIMEOUT_MS } from './options';
import { envelope, originOf, readMessage } from './protocol';
import { WalletBridge } from './wallet-bridge';

const FRAME_EVENTS: ReadonlySet<string> = new Set<FrameEventType>([
  'ready', 'joined', 'left', 'participant-joined', 'participant-left', 'speaking', 'queue', 'error', 'layout',
]);

function isBridgeRequest(message: Record<string, unknown>): boolean {
  if (typeof message.id !== 'number') return false;
  return message.type === 'wallet-request' || (message.type === 'sign-request' && typeof message.message === 'string');
}

function isLayout(message: Record<string, unknown>): message is Record<string, unknown> & Layout {
  return (message.mode === 'collapsed' || message.mode === 'expanded') &&
    typeof message.width === 'number' && typeof message.height === 'number';
}

/** Inline: into the container, else after `anchor` (the script tag), else at the end of the body. Docked: the body. */
function place(iframe: HTMLElement, options: EmbedOptions, anchor: Element | null, mode: EmbedMode): void {
  if (mode === 'inline' && options.container) options.container.append(iframe);
  else if (mode === 'inline' && anchor?.isConnected) anchor.after(iframe);
  else document.body.append(iframe);
}

/** Embeds the room of `options.market`; `anchor` is the script tag an inline frame follows. */
export function embedRoom(options: EmbedOptions, anchor: Element | null): EmbedController {
  const mode: EmbedMode = options.mode === 'docked' ? 'docked' : 'inline';
  const serverUrl = options.serverUrl ?? '';
  const voiceOrigin = originOf(serverUrl);
  if (!voiceOrigin) throw new Error('PNL Voice embed: serverUrl must be the voice server\'s URL.');
  const src = roomUrl(serverUrl, options.market, mode);
  const iframe = createFrame(src, mode, options.title ?? 'Market voice room', options.height ?? '560px');
  const bridge = new WalletBridge(options.signer);
  const listeners = new Map<string, Set<(event: FrameEvent) => void>>();
  /** Commands given before the room said `ready`. */
  let pending: HostCommand[] = [];
  let ready = false;
  let fallback: HTMLElement | undefined;
  let timer = 0;

  const post = (message: object & { type: string }) => iframe.contentWindow?.postMessage(envelope(message), voiceOrigin);

  const send = (command: HostCommand) => {
    if (ready) post(command);
    else pending.push(command);
  };

  const emit = (event: FrameEvent) => {
    options.onEvent?.(event);
    for (const listener of listeners.get(event.type) ?? []) listener(event);
  };

  const showFallback = () => {
    if (ready || fallback) return;
    fallback = fallbackBox({ pageOrigin: location.origin, voiceOrigin, roomUrl: roomUrl(serverUrl, options.market, 'inline') }, mode);
    iframe.hidden = true;
    iframe.style.display = 'none';
    iframe.after(fallback);
    emit({
      type: 'error',
      code: 'EMBED_NOT_LOADED',
      message: `The room did not load: is ${location.origin} in the voice server's PNL_VOICE_ALLOWED_ORIGINS?`,
    });
  };

  const onReady = () => {
    ready = true;
    post({ type: 'ready' });
    window.clearTimeout(timer);
    if (fallback) {
      // It was only slow: show the room after all.
      fallback.remove();
      fallback = undefined;
      iframe.hidden = false;
      iframe.style.display = mode === 'docked' ? '' : 'block';
    }
    for (const command of pending) post(command);
    pending = [];
  };

  const onMessage = (event: MessageEvent) => {
    if (event.source !== iframe.contentWindow || event.origin !== voiceOrigin) return;
    const message = readMessage(event.data);
    if (!message) return;
    if (isBridgeRequest(message)) {
      void bridge.answer(message as unknown as BridgeRequest).then(post);
      return;
    }
    if (!FRAME_EVENTS.has(message.type)) return;
    if (message.type === 'ready') onReady();
    if (message.type === 'layout' && mode === 'docked' && isLayout(message)) applyLayout(iframe, message);
    const { source: _source, ...frameEvent } = message;
    emit(frameEvent as FrameEvent);
  };
  window.addEventListener('message', onMessage);

  // The wait for `ready` starts once the frame is loading: at once when docked, when scrolled near for a lazy inline frame.
  const startTimer = () => {
    timer = window.setTimeout(showFallback, options.timeout ?? DEFAULT_TIMEOUT_MS);
  };
  let observer: IntersectionObserver | undefined;
  if (mode === 'inline' && 'IntersectionObserver' in window) {
    observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer?.disconnect();
      startTimer();
    }, { rootMargin: '600px' });
  } else {
    startTimer();
  }
  place(iframe, options, anchor, mode);
  observer?.observe(iframe);

  return {
    iframe,
    join: () => send({ type: 'join' }),
    leave: () => send({ type: 'leave' }),
    mute: (muted) => send({ type: 'mute', muted }),
    raiseHand: () => send({ type: 'raise-hand' }),
    lowerHand: () => send({ type: 'lower-hand' }),
    expand: (expanded) => send({ type: 'expand', expanded }),
    on: (type, listener) => {
      const set = listeners.get(type) ?? new Set();
      listeners.set(type, set);
      const wrapped = listener as (event: FrameEvent) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
    destroy: () => {
      window.removeEventListener('message', onMessage);
      window.clearTimeout(timer);
      observer?.disconnect();
      iframe.remove();
      fallback?.remove();
      listeners.clear();
    },
  };
}
