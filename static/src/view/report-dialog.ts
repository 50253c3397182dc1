/**
 * Reporting a person: a modal dialog (the browser's `<dialog>`: focus stays
 * inside, Escape cancels) asking what happened, then a confirmation in
 * words. The report itself is `POST /api/voice/report` (the SDK's
 * `room.report`).
 */
import { shortAddress } from '../address';
import { byId } from './dom';

/** Longest reason the server takes. */
const MAX_REASON = 1000;

export class ReportDialog {
  private readonly dialog = byId<HTMLDialogElement>('report-dialog');
  private readonly form = byId<HTMLFormElement>('report-form');
  private readonly title = byId<HTMLElement>('report-title');
  private readonly reason = byId<HTMLTextAreaElement>('report-reason');
  private readonly outcome = byId<HTMLElement>('report-outcome');
  private readonly send = byId<HTMLButtonElement>('report-send');
  private target = '';
  /** Puts focus back where the report started when the dialog closes. */
  private returnFocus: () => void = () => undefined;

  /** `file` sends the report and resolves once the server stored it. */
  constructor(private readonly file: (wallet: string, reason: string) => Promise<unknown>, describe: (err: unknown) => string) {
    this.reason.maxLength = MAX_REASON;
    byId('report-cancel').addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', () => this.returnFocus());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const reason = this.reason.value.trim();
      if (!reason) {
        this.reason.setAttribute('aria-invalid', 'true');
        this.outcome.textContent = 'Say in a few words what happened.';
        this.reason.focus();
        return;
      }
      this.reason.removeAttribute('aria-invalid');
      this.send.disabled = true;
      this.outcome.textContent = 'Sending…';
      const target = this.target;
      this.file(target, reason).then(
        () => {
          this.dialog.close();
          this.confirmed(target);
        },
        (err: unknown) => {
          this.outcome.textContent = `The report was not sent: ${describe(err)}`;
          this.send.disabled = false;
        },
      );
    });
  }

  /** Called after a report was stored, with the reported wallet. */
  confirmed: (wallet: string) => void = () => undefined;

  /** Asks why `wallet` is reported; `returnFocus` puts focus back afterwards (the page may have been redrawn). */
  open(wallet: string, returnFocus: () => void): void {
    this.target = wallet;
    this.returnFocus = returnFocus;
    this.title.textContent = `Report ${shortAddress(wallet)}`;
    this.reason.value = '';
    this.reason.removeAttribute('aria-invalid');
    this.outcome.textContent = '';
    this.send.disabled = false;
    this.dialog.showModal();
    this.reason.focus();
  }

  /** The stay ended: nothing left to report from. */
  close(): void {
    if (this.dialog.open) this.dialog.close();
  }
}
