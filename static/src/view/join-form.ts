/** The join form: market address and, when the browser has a wallet, the sign-in choice. */
import { byId } from './dom';

export type Identity = 'guest' | 'wallet';

export class JoinForm {
  private readonly form = byId<HTMLFormElement>('join-form');
  private readonly market = byId<HTMLInputElement>('market');
  private readonly identityField = byId<HTMLElement>('identity-field');
  private readonly identity = byId<HTMLSelectElement>('identity');
  private readonly button = byId<HTMLButtonElement>('join');

  onJoin(handler: (market: string, identity: Identity) => void): void {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      handler(this.market.value.trim(), this.identity.value === 'wallet' && !this.identityField.hidden ? 'wallet' : 'guest');
    });
  }

  setMarket(address: string): void {
    this.market.value = address;
  }

  /** Offers a browser wallet (preselected) besides the guest key. */
  offerBrowserWallet(): void {
    this.identityField.hidden = false;
  }

  /** Marks the address invalid (focusing it) or valid again. */
  setInvalid(invalid: boolean): void {
    this.market.setAttribute('aria-invalid', String(invalid));
    if (invalid) this.market.focus();
  }

  focus(): void {
    this.button.focus();
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
