/** JSON request/reply with ids and server events over one WebSocket (PROTOCOL.md section 3). */
import { ProtocolError, type Events, type Methods, type WireError } from './protocol';

const REQUEST_TIMEOUT_MS = 15_000;
const CONNECT_TIMEOUT_MS = 10_000;

interface Pending {
  resolve(data: unknown): void;
  reject(error: Error): void;
  timer: number;
}

type Incoming =
  | { event: string; data: unknown }
  | { id: number | null; ok: true; data: unknown }
  | { id: number | null; ok: false; error: WireError };

export class Signaling {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, Array<(data: never) => void>>();
  private closeHandler: (code: number) => void = () => undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.onmessage = (message) => this.receive(String(message.data));
    socket.onclose = (close) => this.closed(close.code);
  }

  /**
   * Opens a socket to `url`. Rejects with `UNREACHABLE` when it cannot be
   * opened: the server is down, or it refused the upgrade (a stale token);
   * a browser cannot tell which.
   */
  static connect(url: string): Promise<Signaling> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const timer = window.setTimeout(() => socket.close(), CONNECT_TIMEOUT_MS);
      socket.onopen = () => {
        window.clearTimeout(timer);
        resolve(new Signaling(socket));
      };
      socket.onclose = () => {
        window.clearTimeout(timer);
        reject(new ProtocolError('UNREACHABLE', 'Could not connect to the voice server.'));
      };
    });
  }

  /** Sends one request; resolves with the reply `data` or throws a ProtocolError. */
  request<M extends keyof Methods>(method: M, data: Methods[M]['data']): Promise<Methods[M]['reply']> {
    if (this.socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new ProtocolError('DISCONNECTED', 'Not connected.'));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.pending.delete(id);
        reject(new ProtocolError('TIMEOUT', `No reply to ${method}.`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (data: unknown) => void, reject, timer });
      this.socket.send(JSON.stringify({ id, method, data }));
    });
  }

  /** Calls `handler` for every `event` from the server. */
  on<E extends keyof Events>(event: E, handler: (data: Events[E]) => void): void {
    const list = this.handlers.get(event) ?? [];
    list.push(handler);
    this.handlers.set(event, list);
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
    let message: Incoming;
    try {
      message = JSON.parse(text) as Incoming;
    } catch {
      console.warn('signaling: not JSON', text);
      return;
    }
    if ('event' in message) {
      for (const handler of this.handlers.get(message.event) ?? []) {
        (handler as (data: unknown) => void)(message.data);
      }
      return;
    }
    const { id } = message;
    const pending = id === null ? undefined : this.pending.get(id);
    if (id === null || !pending) {
      console.warn('signaling: reply to no pending request', message);
      return;
    }
    this.pending.delete(id);
    window.clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.data);
    else pending.reject(new ProtocolError(message.error.code, message.error.message, message.error.workerUrl));
  }

  private closed(code: number): void {
    for (const { reject, timer } of this.pending.values()) {
      window.clearTimeout(timer);
      reject(new ProtocolError('DISCONNECTED', `Connection closed (${code}).`));
    }
    this.pending.clear();
    this.closeHandler(code);
  }
}
