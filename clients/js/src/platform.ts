/**
 * What the SDK needs from its environment, injectable so the room's state
 * machine runs in node with fakes. The browser defaults read globals only
 * when called, never at import time: server-side rendering can import the SDK.
 */
import { Device, type types } from 'mediasoup-client';

/** The part of a WebSocket the SDK uses. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number): void;
}

/** A WebSocket constructor; `protocols` are the subprotocols offered (`Sec-WebSocket-Protocol`). */
export type SocketFactory = new (url: string, protocols?: string[]) => SocketLike;

/** A timer handle as `setTimeout` returns it (a number in browsers, an object in node). */
export type TimerHandle = unknown;

export interface Platform {
  /** The WebSocket constructor. */
  WebSocket: SocketFactory;
  /** A new mediasoup-client Device (not loaded yet). */
  createDevice(): Promise<types.Device>;
  fetch(input: string, init?: RequestInit): Promise<Response>;
  /** A processed microphone track from `deviceId` ('' = the default input). */
  openMicrophone(deviceId: string): Promise<MediaStreamTrack>;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Uniform in [0, 1): the jitter of reconnection delays. */
  random(): number;
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The socket is open (`WebSocket.OPEN`). */
export const SOCKET_OPEN = 1;

/** Echo cancellation, noise suppression and automatic gain: a voice, not a room. */
const PROCESSING: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

/** `getUserMedia` for one audio input; a remembered input that is gone falls back to the default. */
export async function captureMicrophone(deviceId: string): Promise<MediaStreamTrack> {
  const media = globalThis.navigator?.mediaDevices;
  if (!media) throw new Error('the microphone needs HTTPS (or localhost).');
  const audio = deviceId ? { ...PROCESSING, deviceId: { exact: deviceId } } : PROCESSING;
  let stream: MediaStream;
  try {
    stream = await media.getUserMedia({ audio });
  } catch (err) {
    if (!deviceId || !(err instanceof Error && err.name === 'OverconstrainedError')) throw err;
    stream = await media.getUserMedia({ audio: PROCESSING });
  }
  const [track] = stream.getAudioTracks();
  if (!track) throw new Error('the browser gave no audio track.');
  return track;
}

/** An audio input the user can choose. */
export interface MicrophoneDevice {
  deviceId: string;
  label: string;
}

/** The audio inputs; labels appear once the page may use the microphone. */
export async function listMicrophones(): Promise<MicrophoneDevice[]> {
  const media = globalThis.navigator?.mediaDevices;
  if (!media?.enumerateDevices) return [];
  const all = await media.enumerateDevices();
  return all
    .filter((device) => device.kind === 'audioinput' && device.deviceId)
    .map((device, index) => ({ deviceId: device.deviceId, label: device.label || `Microphone ${index + 1}` }));
}

/** The browser's own pieces, each looked up when first used. */
export function browserPlatform(): Platform {
  return {
    WebSocket: function BrowserSocket(url: string, protocols?: string[]) {
      return new globalThis.WebSocket(url, protocols);
    } as unknown as SocketFactory,
    createDevice: () => Device.factory(),
    fetch: (input, init) => globalThis.fetch(input, init),
    openMicrophone: captureMicrophone,
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    random: Math.random,
    now: Date.now,
  };
}
