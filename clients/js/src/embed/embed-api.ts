/** What `embed.js` gives a host page: `window.PNLVoice.embed(options)` and the controller it returns. */
import type { FrameEvent, FrameEventOf, FrameEventType } from './protocol.js';

/** `inline`: an iframe in the page's flow. `docked`: a pill fixed to the viewport that grows into the room. */
export type EmbedMode = 'inline' | 'docked';

/** A signer the host page passes in: its address (base58 or a `PublicKey`) and ed25519 signing. */
export interface HostSigner {
  publicKey: string | { toString(): string };
  signMessage(message: Uint8Array): Promise<Uint8Array>;
}

export interface EmbedOptions {
  /** The market's address (base58). */
  market: string;
  /** `inline` (an iframe where the script or container is, default) or `docked` (a pill fixed to the viewport). */
  mode?: EmbedMode;
  /** Inline mode: the element the iframe goes into (default: after the script tag, else the end of the body). */
  container?: Element;
  /** Signs the sign-in challenge for the embedded room; default: the injected wallet. */
  signer?: HostSigner;
  /** Called with every event the room reports. */
  onEvent?: (event: FrameEvent) => void;
  /** The voice server, e.g. `https://voice.example.com` (default: where embed.js was loaded from). */
  serverUrl?: string;
  /** Milliseconds to wait for the room to load before explaining why it did not (default 8000). */
  timeout?: number;
  /** Inline mode: the iframe's CSS height (default 560px). */
  height?: string;
  /** The iframe's accessible title (default "Market voice room"). */
  title?: string;
}

/** What `PNLVoice.embed` returns: commands to the room and its events. */
export interface EmbedController {
  readonly iframe: HTMLIFrameElement;
  join(): void;
  leave(): void;
  mute(muted: boolean): void;
  raiseHand(): void;
  lowerHand(): void;
  /** Docked mode: grows the pill to the full room, or back. */
  expand(expanded: boolean): void;
  /** Listens to one event type; returns the unsubscribe function. */
  on<T extends FrameEventType>(type: T, listener: (event: FrameEventOf<T>) => void): () => void;
  /** Removes the iframe (leaving the room) and stops listening. */
  destroy(): void;
}

/** `window.PNLVoice`, defined by `embed.js`. */
export interface PNLVoiceEmbedApi {
  embed(options: EmbedOptions): EmbedController;
}
