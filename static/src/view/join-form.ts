/**
 * The join form. On `/` it asks for the market address; on a room's page
 * (the market known from the URL) it is one **Listen** button under the
 * room's preview. When the browser has a wallet it offers the sign-in choice.
 */
import { byId } from './dom';

export type Identity = 'guest' | 'wallet';

export class JoinForm {
  private readonly form = byId<HTMLFormElement>('join-form');
  private readonly market = byId<HTMLInputElement>('market');
  private readonly marketField = byId<HTMLElement>('market-field');
  private readonly hint = byId<HTMLElement>('join-hint');
  private readonly identityField = byId<HTMLElement>('identity-field');
  private readonly identity = byId<HTMLSelectElement>('identity');
  private readonly button = byId<HTMLButtonElement>('join');

  onJoin(handler: (market: string, identity: Identity) => void): void {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      handler(this.market.value.trim(), this.identity.value === 'wallet' && !this.identityField.hidden ? 'wallet' : 'guest');
    });
  }

  /** The market from the URL: no address field, a Listen button instead. */
  setMarket(address: string): void {
    this.market.value = address;
    const known = address !== '';
    this.marketField.hidden = known;
    this.hint.hidden = known;
    this.button.textContent = known ? 'Listen' : 'Join room';
  }

  /** Offers a browser wallet (preselected) besides the guest key. */
  offerBrowserWallet(): void {
    this.identityField.hidden = false;
  }

  /** Marks the address invalid (focusing it) or valid again. */
  setInvalid(invalid: boolean): void {
    this.market.setAttribute('aria-invalid', String(invalid));
    if (!invalid) return;
    this.marketField.hidden = false;
    this.hint.hidden = false;
    this.button.textContent = 'Join room';
    this.market.focus();
  }

  focus(): void {
    this.button.focus();
  }

  /** Joins as pressing the button does (for the mini-player and the host page's `join` command). */
  submit(): void {
    if (!this.form.hidden && !this.button.disabled) this.form.requestSubmit();
  }

  show(visible: boolean): void {
    this.form.hidden = !visible;
  }

  setBusy(busy: boolean): void {
    this.button.disabled = busy;
    this.market.readOnly = busy;
    this.identity.disabled = busy;
  }
}
