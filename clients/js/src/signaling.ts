/** JSON request/reply with ids and server events over one WebSocket (docs/protocol.md, "The signaling socket"). */
import type { Platform, SocketLike, TimerHandle } from './platform.js';
import { SOCKET_OPEN } from './platform.js';
import { VoiceError, type MethodName, type Methods } from './protocol.js';
import type { ServerEvent, WireError } from './wire/index.js';

const REQUEST_TIMEOUT_MS = 15_000;
const CONNECT_TIMEOUT_MS = 10_000;
/** The subprotocol the server answers when the token comes as `bearer.<token>`. */
const SUBPROTOCOL = 'pnl-voice';

interface Pending {
  resolve(data: unknown): void;
  reject(error: Error): void;
  timer: TimerHandle;
}

type Reply = { id: number | null; ok: true; data: unknown } | { id: number | null; ok: false; error: WireError };

export class Signaling {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private eventHandler: (event: ServerEvent) => void = () => undefined;
  private closeHandler: (code: number) => void = () => undefined;

  private constructor(
    private readonly socket: SocketLike,
    private readonly platform: Platform,
  ) {
    socket.onmessage = (message) => this.receive(String(message.data));
    socket.onclose = (close) => this.closed(close.code);
  }

  /**
   * Opens a socket to `url` signed in with `token`, sent as the subprotocol
   * `bearer.<token>` next to `pnl-voice` (docs/protocol.md, "Connecting"):
   * never in the URL, which a browser prints in the console when an attempt
   * fails. Rejects with `UNREACHABLE` when it cannot be opened: the server
   * is down, or it refused the upgrade (a stale token); a browser cannot tell which.
   */
  static connect(url: string, token: string, platform: Platform): Promise<Signaling> {
    return new Promise((resolve, reject) => {
      const socket = new platform.WebSocket(url, [SUBPROTOCOL, `bearer.${token}`]);
      const timer = platform.setTimeout(() => socket.close(), CONNECT_TIMEOUT_MS);
      socket.onopen = () => {
        platform.clearTimeout(timer);
        resolve(new Signaling(socket, platform));
      };
      socket.onclose = () => {
        platform.clearTimeout(timer);
        reject(new VoiceError('UNREACHABLE', 'Could not connect to the voice server.'));
      };
    });
  }

  /** Sends one request; resolves with the reply `data` or rejects with a VoiceError. */
  request<M extends MethodName>(method: M, data: Methods[M]['data']): Promise<Methods[M]['reply']> {
    if (this.socket.readyState !== SOCKET_OPEN) {
      return Promise.reject(new VoiceError('DISCONNECTED', 'Not connected.'));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = this.platform.setTimeout(() => {
        this.pending.delete(id);
        reject(new VoiceError('TIMEOUT', `No reply to ${method}.`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (data: unknown) => void, reject, timer });
      this.socket.send(JSON.stringify({ id, method, data }));
    });
  }

  get open(): boolean {
    return this.socket.readyState === SOCKET_OPEN;
  }

  /** Calls `handler` with every server event. */
  onEvent(handler: (event: ServerEvent) => void): void {
    this.eventHandler = handler;
  }

  /** Calls `handler` once the socket closes, unless `close()` closed it. */
  onClose(handler: (code: number) => void): void {
    this.closeHandler = handler;
  }

  close(): void {
    this.closeHandler = () => undefined;
    this.socket.close(1000);
  }

  private receive(text: string): void {
    let message: ServerEvent | Reply;
    try {
      message = JSON.parse(text) as ServerEvent | Reply;
    } catch {
      return; // not JSON: nothing to act on
    }
    if ('event' in message) {
      this.eventHandler(message);
      return;
    }
    const pending = message.id === null ? undefined : this.pending.get(message.id);
    if (message.id === null || !pending) return; // a late reply to a timed-out request
    this.pending.delete(message.id);
    this.platform.clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.data);
    else pending.reject(VoiceError.fromWire(message.error));
  }

  private closed(code: number): void {
    for (const { reject, timer } of this.pending.values()) {
      this.platform.clearTimeout(timer);
      reject(new VoiceError('DISCONNECTED', `Connection closed (${code}).`));
    }
    this.pending.clear();
    this.closeHandler(code);
  }
}
