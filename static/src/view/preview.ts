/**
 * The room before joining: the market's question as the heading, whether
 * it is live with how many speak and listen and who hosts it, refreshed
 * every 15 s until the user joins; and the Share button.
 */
import { byId } from './dom';
import { ShareButton } from './preview-share';
import { previewHeading, previewSummary, type RoomPreview } from './preview-text';

const REFRESH_MS = 15_000;

export class PreviewView {
  private readonly heading = byId<HTMLElement>('join-title');
  private readonly summary = byId<HTMLElement>('preview-summary');
  private readonly share = new ShareButton();
  private timer = 0;
  private load: (() => Promise<RoomPreview>) | undefined;
  private listeners: ((preview: RoomPreview) => void)[] = [];
  /** The last preview shown, if any. */
  latest: RoomPreview | undefined;

  /** Shows the preview of `market`, fetched by `load`, and starts refreshing it. */
  show(market: string, load: () => Promise<RoomPreview>): void {
    this.load = load;
    this.heading.textContent = previewHeading({ title: null, marketAddress: market });
    this.share.setLink(new URL(`/rooms/${encodeURIComponent(market)}`, location.origin).href);
    this.start();
  }

  /** Called with every fresh preview. */
  onUpdate(listener: (preview: RoomPreview) => void): void {
    this.listeners.push(listener);
  }

  /** Refreshes now and every 15 s (while not in the room). */
  start(): void {
    this.stop();
    if (!this.load) return;
    void this.refresh();
    this.timer = window.setInterval(() => void this.refresh(), REFRESH_MS);
  }

  /** Stops refreshing (in the room, the room itself is live). */
  stop(): void {
    window.clearInterval(this.timer);
    this.timer = 0;
  }

  private async refresh(): Promise<void> {
    const load = this.load;
    if (!load) return;
    try {
      const preview = await load();
      if (!this.timer) return; // joined meanwhile
      this.latest = preview;
      this.heading.textContent = previewHeading(preview);
      this.summary.textContent = previewSummary(preview);
      this.summary.dataset.live = String(preview.live);
      this.summary.hidden = false;
      for (const listener of this.listeners) listener(preview);
    } catch {
      // The preview is a courtesy: without it the Listen button still works.
    }
  }
}
