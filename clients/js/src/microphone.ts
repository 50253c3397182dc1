/**
 * The local microphone of one room: one processed track, opened when the
 * user gets the floor and kept across reconnections, and the chosen input.
 */
import type { Platform } from './platform.js';

export class Microphone {
  private current?: MediaStreamTrack;
  private chosen = '';

  constructor(private readonly capture: Platform['openMicrophone']) {}

  /** The open track, if any. */
  get track(): MediaStreamTrack | undefined {
    return this.current?.readyState === 'live' ? this.current : undefined;
  }

  /** The chosen input ('' = the browser's default). */
  get deviceId(): string {
    return this.track?.getSettings?.().deviceId ?? this.chosen;
  }

  /** The live track, opening the chosen input first if needed. */
  async open(): Promise<MediaStreamTrack> {
    if (this.track) return this.track;
    this.current = await this.capture(this.chosen);
    return this.current;
  }

  /**
   * Chooses another input. With the microphone open, the new track is
   * handed to `swap` (which puts it on the producer) and the old one stops after it.
   */
  async choose(deviceId: string, swap: (track: MediaStreamTrack) => Promise<void>): Promise<void> {
    this.chosen = deviceId;
    const previous = this.track;
    if (!previous) return;
    const track = await this.capture(deviceId);
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
}
