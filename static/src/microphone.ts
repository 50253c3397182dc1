/**
 * The local microphone: one processed audio track (echo cancellation, noise
 * suppression, automatic gain), the list of inputs and the user's choice,
 * remembered in this browser.
 */

const DEVICE_STORAGE = 'pnl-voice:microphone';

const PROCESSING: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

export interface MicDevice {
  deviceId: string;
  label: string;
}

export class Microphone {
  private current?: MediaStreamTrack;
  private chosen = readChoice();

  /** The open track, if any. */
  get track(): MediaStreamTrack | undefined {
    return this.current?.readyState === 'live' ? this.current : undefined;
  }

  /** The chosen input ('' = the browser's default). */
  get deviceId(): string {
    return this.current?.getSettings().deviceId ?? this.chosen;
  }

  /** The live track, opening the chosen input first if needed. */
  async open(): Promise<MediaStreamTrack> {
    if (this.track) return this.track;
    this.current = await capture(this.chosen);
    return this.current;
  }

  /**
   * Chooses another input. With the mic open, the new track is handed to
   * `swap` (which puts it on the producer) and the old one stops after it.
   */
  async choose(deviceId: string, swap: (track: MediaStreamTrack) => Promise<void>): Promise<void> {
    this.chosen = deviceId;
    try {
      localStorage.setItem(DEVICE_STORAGE, deviceId);
    } catch {
      // Storage disabled: the choice lasts for this page only.
    }
    const previous = this.track;
    if (!previous) return;
    const track = await capture(deviceId);
    try {
      await swap(track);
    } catch (err) {
      track.stop();
      throw err;
    }
    this.current = track;
    previous.stop();
  }

  /** Stops the track: the browser's recording indicator goes off. */
  close(): void {
    this.current?.stop();
    this.current = undefined;
  }

  /** The audio inputs; labels appear once the page may use the mic. */
  static async devices(): Promise<MicDevice[]> {
    if (!navigator.mediaDevices?.enumerateDevices) return [];
    const all = await navigator.mediaDevices.enumerateDevices();
    return all
      .filter((device) => device.kind === 'audioinput' && device.deviceId)
      .map((device, index) => ({ deviceId: device.deviceId, label: device.label || `Microphone ${index + 1}` }));
  }

  /** Calls `handler` when inputs are plugged in or out, until the returned function is called. */
  static onDevicesChanged(handler: () => void): () => void {
    navigator.mediaDevices?.addEventListener('devicechange', handler);
    return () => navigator.mediaDevices?.removeEventListener('devicechange', handler);
  }
}

function readChoice(): string {
  try {
    return localStorage.getItem(DEVICE_STORAGE) ?? '';
  } catch {
    return '';
  }
}

async function capture(deviceId: string): Promise<MediaStreamTrack> {
  if (!navigator.mediaDevices) throw new Error('the microphone needs HTTPS (or localhost).');
  const audio = deviceId ? { ...PROCESSING, deviceId: { exact: deviceId } } : PROCESSING;
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio });
  } catch (err) {
    // A remembered input that is gone: fall back to the default one.
    if (!deviceId || !(err instanceof DOMException && err.name === 'OverconstrainedError')) throw err;
    stream = await navigator.mediaDevices.getUserMedia({ audio: PROCESSING });
  }
  const [track] = stream.getAudioTracks();
  if (!track) throw new Error('the browser gave no audio track.');
  return track;
}
