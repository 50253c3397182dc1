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
  private readonly anyway = byId<HTMLButtonElement>('join-anyway');
  private busy = false;
  /** A join now would be refused again (a ban, a full room): Join waits. */
  private held = false;

  /**
   * `handler` gets the address, the identity and `anyway`: the user
   * confirmed joining a market the server does not know.
   */
  onJoin(handler: (market: string, identity: Identity, anyway: boolean) => void): void {
    const join = (anyway: boolean) =>
      handler(this.market.value.trim(), this.identity.value === 'wallet' && !this.identityField.hidden ? 'wallet' : 'guest', anyway);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      join(false);
    });
    this.anyway.addEventListener('click', () => {
      if (!this.busy) join(true);
    });
    // Another address: what held the last one does not hold it.
    this.market.addEventListener('input', () => {
      this.offerAnyway(false);
      this.release();
    });
  }

  /** Offers (or withdraws) joining a market the server does not know. */
  offerAnyway(offer: boolean): void {
    this.anyway.hidden = !offer;
  }

  /** Keeps Join disabled until `release`: a join now would be refused again. */
  hold(): void {
    this.held = true;
    this.button.disabled = true;
  }

  release(): void {
    this.held = false;
    this.button.disabled = this.busy;
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

  /** Where focus goes after a refusal: Join if it may be pressed, else the address. */
  focusAfterRefusal(): void {
    if (!this.button.disabled) this.button.focus();
    else if (!this.marketField.hidden) this.market.focus();
  }

  show(visible: boolean): void {
    this.form.hidden = !visible;
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.button.disabled = busy || this.held;
    this.anyway.disabled = busy;
    this.market.readOnly = busy;
    this.identity.disabled = busy;
  }
}
