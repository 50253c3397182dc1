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

/** A failure reported by the server (its code and message) or by this client. */
export class VoiceError extends Error {
  constructor(
    readonly code: VoiceErrorCode,
    message: string,
    /** Set with `WRONG_NODE`: the socket URL of the node that owns the room. */
    readonly workerUrl?: string,
  ) {
    super(message);
    this.name = 'VoiceError';
  }

  static fromWire(error: WireError): VoiceError {
    return new VoiceError(error.code, error.message, error.workerUrl ?? undefined);
  }
}

/** Human text for any error: `CODE: message` for a VoiceError (but a `CLIENT` one, already described). */
export function describeError(err: unknown): string {
  if (err instanceof VoiceError) return err.code === 'CLIENT' ? err.message : `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}
