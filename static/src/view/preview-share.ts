/**
 * The Share button: copies the room's link. The clipboard may be refused
 * (an iframe without `clipboard-write`, an old browser, plain http): the
 * link is then shown in a read-only field, selected, for the user to copy.
 * Either way a polite live region says what happened.
 */
import { byId } from './dom';

const CONFIRMATION_MS = 4_000;

export class ShareButton {
  private readonly button = byId<HTMLButtonElement>('share');
  private readonly status = byId<HTMLElement>('share-status');
  private readonly fallback = byId<HTMLElement>('share-fallback');
  private readonly field = byId<HTMLInputElement>('share-link');
  private timer = 0;
  private link = '';

  constructor() {
    this.button.addEventListener('click', () => void this.share());
  }

  /** Offers sharing `link` (the room's own page), or hides the button for ''. */
  setLink(link: string): void {
    this.link = link;
    this.button.hidden = !link;
    this.field.value = link;
    if (!link) this.fallback.hidden = true;
  }

  private async share(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.link);
      this.fallback.hidden = true;
      this.say('Link copied');
    } catch {
      this.fallback.hidden = false;
      this.field.focus();
      this.field.select();
      this.say('Copy the room link from the field below.');
    }
  }

  private say(text: string): void {
    this.status.textContent = text;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => {
      this.status.textContent = '';
    }, CONFIRMATION_MS);
  }
}
