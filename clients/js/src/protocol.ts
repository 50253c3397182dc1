/**
 * Typed views of the wire contract: what each socket method takes and
 * answers, the data of each server event, and the error every failure is
 * reported as. Built on the types generated from the server (`./wire`).
 */
import type { ServerEvent, SocketMethods, WireError } from './wire/index.js';

/** Socket methods: the request `data` and the reply `data` of each (generated from the server). */
export type Methods = SocketMethods;

export type MethodName = keyof Methods;

/** The name of every server event. */
export type ServerEventName = ServerEvent['event'];

/** The `data` of server event `E`. */
export type EventData<E extends ServerEventName> = Extract<ServerEvent, { event: E }>['data'];

/** One handler per server event: a missing or extra event is a compile error. */
export type ServerEventHandlers = { [E in ServerEventName]: (data: EventData<E>) => void };

/**
 * Client-side error codes, next to the server's: `UNREACHABLE` (no answer
 * or the socket was refused), `DISCONNECTED` (the socket closed before the
 * reply), `TIMEOUT` (no reply in time), `NOT_JOINED` (an action outside a
 * room), `MEDIA` (WebRTC or the microphone failed), `HTTP` (a non-JSON
 * answer), `CLIENT` (anything else on this side, e.g. the wallet refused to sign).
 */
export type ClientErrorCode = 'UNREACHABLE' | 'DISCONNECTED' | 'TIMEOUT' | 'NOT_JOINED' | 'MEDIA' | 'HTTP' | 'CLIENT';

export type VoiceErrorCode = WireError['code'] | ClientErrorCode;

/** What a server error tells besides its code and message. */
export interface ErrorDetails {
  /** With `WRONG_NODE`: the socket URL of the node that owns the room. */
  workerUrl?: string;
  /** With `BANNED`: when the ban ends (RFC 3339). */
  until?: string;
  /** With `RATE_LIMITED`: whole seconds before a retry can succeed. */
  retryAfterSecs?: number;
}

/** A failure reported by the server (its code, message and details) or by this client. */
export class VoiceError extends Error {
  /** Set with `WRONG_NODE`: the socket URL of the node that owns the room. */
  readonly workerUrl?: string;
  /** Set with `BANNED`: when the ban ends (RFC 3339); `describeError` says it in local time. */
  readonly until?: string;
  /** Set with `RATE_LIMITED`: whole seconds before a retry can succeed. */
  readonly retryAfterSecs?: number;

  constructor(
    readonly code: VoiceErrorCode,
    message: string,
    details: ErrorDetails | string = {},
  ) {
    super(message);
    this.name = 'VoiceError';
    const { workerUrl, until, retryAfterSecs } = typeof details === 'string' ? { workerUrl: details } : details;
    if (workerUrl !== undefined) this.workerUrl = workerUrl;
    if (until !== undefined) this.until = until;
    if (retryAfterSecs !== undefined) this.retryAfterSecs = retryAfterSecs;
  }

  static fromWire(error: WireError): VoiceError {
    const details: ErrorDetails = {};
    if (error.workerUrl != null) details.workerUrl = error.workerUrl;
    if (error.until != null) details.until = error.until;
    if (error.retryAfterSecs != null) details.retryAfterSecs = error.retryAfterSecs;
    return new VoiceError(error.code, error.message, details);
  }
}
