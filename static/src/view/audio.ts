/** Plays remote tracks, one autoplaying `<audio>` element each, and recovers from blocked autoplay. */
import { byId } from './dom';

export class AudioSink {
  private readonly box = byId<HTMLElement>('audio');
  private readonly playButton = byId<HTMLButtonElement>('play-audio');

  constructor() {
    this.playButton.addEventListener('click', () => {
      this.playButton.hidden = true;
      for (const audio of this.elements()) this.play(audio);
    });
  }

  add(producerId: string, walletAddress: string, track: MediaStreamTrack): void {
    const audio = document.createElement('audio');
    audio.autoplay = true;
    audio.dataset.producerId = producerId;
    audio.dataset.wallet = walletAddress;
    audio.srcObject = new MediaStream([track]);
    this.box.append(audio);
    this.play(audio);
  }

  remove(producerId: string): void {
    for (const audio of this.elements()) {
      if (audio.dataset.producerId === producerId) audio.remove();
    }
  }

  clear(): void {
    this.box.replaceChildren();
    this.playButton.hidden = true;
  }

  /** The browser refused autoplay: a click (a user gesture) on the button starts playback. */
  private play(audio: HTMLAudioElement): void {
    audio.play().catch(() => {
      this.playButton.hidden = false;
    });
  }

  private elements(): HTMLAudioElement[] {
    return [...this.box.querySelectorAll('audio')];
  }
}
