/**
 * The host's invitation to speak, as the invited listener sees it: a
 * non-modal alert dialog with Accept and Not now that takes focus when it
 * appears (so it is announced and one key away), counts down to its expiry
 * without announcing every second, and gives focus back when it goes.
 */
import { byId } from './dom';

/** Whole seconds from `now` to `expiresAt` (RFC 3339), never below 0. */
export function secondsLeft(expiresAt: string, now: number): number {
  return Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000));
}

export class InvitationPrompt {
  private readonly box = byId<HTMLElement>('invitation');
  private readonly countdown = byId<HTMLElement>('invitation-countdown');
  private readonly acceptButton = byId<HTMLButtonElement>('invitation-accept');
  private readonly declineButton = byId<HTMLButtonElement>('invitation-decline');
  /** The invitation on screen (its expiry), '' for none. */
  private shown = '';
  private timer: ReturnType<typeof setInterval> | undefined;
  /** What had focus before the prompt took it. */
  private before: HTMLElement | null = null;

  /** `respond` answers the invitation (the room's events then move the listener or not). */
  constructor(respond: (accept: boolean) => void) {
    this.acceptButton.addEventListener('click', () => {
      this.setBusy(true);
      respond(true);
    });
    this.declineButton.addEventListener('click', () => {
      this.setBusy(true);
      respond(false);
    });
  }

  /** Shows the invitation expiring at `expiresAt`, or hides it (`null`). */
  set(invitation: { expiresAt: string } | null): void {
    const expiresAt = invitation?.expiresAt ?? '';
    if (expiresAt === this.shown) return;
    this.shown = expiresAt;
    clearInterval(this.timer);
    this.timer = undefined;
    if (!expiresAt) {
      this.hide();
      return;
    }
    this.setBusy(false);
    this.tick();
    this.timer = setInterval(() => this.tick(), 1000);
    if (this.box.hidden) {
      this.before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      this.box.hidden = false;
      // After the other listeners of this change: the mini-player expands to show the room first.
      queueMicrotask(() => {
        if (!this.box.hidden) this.acceptButton.focus();
      });
    }
  }

  private tick(): void {
    const left = secondsLeft(this.shown, Date.now());
    this.countdown.textContent = left > 0 ? `This invitation expires in ${left} s.` : 'This invitation expired.';
    if (left === 0) {
      clearInterval(this.timer);
      this.setBusy(true);
    }
  }

  private hide(): void {
    if (this.box.hidden) return;
    const hadFocus = this.box.contains(document.activeElement);
    this.box.hidden = true;
    if (hadFocus) (this.before?.isConnected ? this.before : byId('stage-title')).focus();
    this.before = null;
  }

  private setBusy(busy: boolean): void {
    this.acceptButton.disabled = busy;
    this.declineButton.disabled = busy;
  }
}
