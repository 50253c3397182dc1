/**
 * The frame end of the postMessage channel to the host page. It accepts
 * messages only from `window.parent`, and only when the parent's origin is
 * trusted (listed in `/api/embed/config`, or the server's own); it posts
 * only to that origin. While the parent's origin is unknown (a browser that
 * reports neither ancestor origins nor a referrer) the single message that
 * goes out to any origin is `ready`, without data; the first trusted
 * message from the parent then fixes the origin. The host page answers
 * `ready` with its own `ready` when it runs embed.js: only then does the
 * frame ask it for a wallet.
 */
import type { BridgeRequest, BridgeResponse, FrameEvent, HostCommand } from '@pnl-voice/client/embed';
import { envelope, readMessage } from '../embed/protocol';
import { allowedOrigins, isFramed, isTrusted, reportedParentOrigin } from './parent';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Request = DistributiveOmit<BridgeRequest, 'id'>;

/** How long a bridge request may wait for the host: a wallet prompt waits for the user. */
const REQUEST_TIMEOUT_MS = 120_000;

const COMMANDS: ReadonlySet<string> = new Set<HostCommand['type']>(['join', 'leave', 'mute', 'raise-hand', 'lower-hand', 'expand']);

export class FrameChannel {
  private parentOrigin: string;
  /** The host page said `ready`: it answers bridge requests. */
  private hostReady = false;
  private commandHandler: (command: HostCommand) => void = () => undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (response: BridgeResponse) => void>();

  /** The channel when this page is framed by a trusted origin (or one the browser does not name), else undefined. */
  static async open(): Promise<FrameChannel | undefined> {
    if (!isFramed()) return undefined;
    const allowed = await allowedOrigins();
    const reported = reportedParentOrigin();
    if (reported && !isTrusted(reported, allowed)) return undefined;
    return new FrameChannel(reported, allowed);
  }

  private constructor(parentOrigin: string, private readonly allowed: readonly string[]) {
    this.parentOrigin = parentOrigin;
    window.addEventListener('message', (event) => this.receive(event));
    if (parentOrigin) this.post({ type: 'ready' });
    else window.parent.postMessage(envelope({ type: 'ready' }), '*');
  }

  /** Whether the host page is trusted and runs embed.js, so that bridge requests get answers. */
  get connected(): boolean {
    return this.parentOrigin !== '' && this.hostReady;
  }

  onCommand(handler: (command: HostCommand) => void): void {
    this.commandHandler = handler;
  }

  /** Reports an event to the host page (dropped while its origin is unknown). */
  post(event: FrameEvent): void {
    if (this.parentOrigin) window.parent.postMessage(envelope(event), this.parentOrigin);
  }

  /** Sends a bridge request and waits for its response. */
  request<T extends Request>(request: T): Promise<BridgeResponse> {
    if (!this.connected) return Promise.reject(new Error('The host page does not answer the wallet bridge.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error('The host page did not answer.'));
      }, REQUEST_TIMEOUT_MS);
      this.waiting.set(id, (response) => {
        window.clearTimeout(timer);
        resolve(response);
      });
      window.parent.postMessage(envelope({ ...request, id }), this.parentOrigin);
    });
  }

  private receive(event: MessageEvent): void {
    if (event.source !== window.parent) return;
    if (this.parentOrigin ? event.origin !== this.parentOrigin : !isTrusted(event.origin, this.allowed)) return;
    const message = readMessage(event.data);
    if (!message) return;
    this.parentOrigin = event.origin;
    if (message.type === 'ready') {
      this.hostReady = true;
    } else if (message.type === 'wallet-response' || message.type === 'sign-response') {
      const id = typeof message.id === 'number' ? message.id : -1;
      this.waiting.get(id)?.(message as unknown as BridgeResponse);
      this.waiting.delete(id);
    } else if (COMMANDS.has(message.type)) {
      this.commandHandler(message as unknown as HostCommand);
    }
  }
}
