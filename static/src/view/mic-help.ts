/**
 * A microphone that could not be opened, said so until it works: what went
 * wrong, how to allow the microphone in this browser, and a Retry button
 * (no timer takes it away: a speaker without a microphone must not be stranded).
 */
import type { MicrophoneProblem } from '@pnl-voice/client';
import { byId } from './dom';

const SAYS: Record<MicrophoneProblem, string> = {
  blocked: 'Your browser is blocking the microphone, so nobody can hear you yet.',
  unavailable: 'Your microphone could not be opened.',
};

/** Where this browser lets a page use the microphone again, in its own words. */
function allowHelp(userAgent: string): string {
  if (/Firefox\//.test(userAgent)) {
    return 'Click the crossed-out microphone in the address bar, clear the block, then press Retry microphone.';
  }
  if (/Safari\//.test(userAgent) && !/Chrome\/|Chromium\//.test(userAgent)) {
    return /iPhone|iPad/.test(userAgent)
      ? 'Tap “aA” in the address bar, then Website Settings, set Microphone to Allow, then press Retry microphone.'
      : 'Open Safari, Settings for this website, set Microphone to Allow, then press Retry microphone.';
  }
  if (/Android/.test(userAgent)) {
    return 'Tap the icon left of the address, then Permissions, allow the microphone, then press Retry microphone.';
  }
  return 'Click the icon left of the address, allow the microphone (or reset its permission), then press Retry microphone.';
}

const UNAVAILABLE_HELP =
  'Check that a microphone is connected and that no other app is using it, then press Retry microphone.';

export class MicHelp {
  private readonly box = byId<HTMLElement>('mic-problem');
  private readonly text = byId<HTMLElement>('mic-problem-text');
  private readonly help = byId<HTMLElement>('mic-problem-help');
  private readonly retryButton = byId<HTMLButtonElement>('mic-retry');
  private shown: MicrophoneProblem | null = null;

  constructor(retry: () => void) {
    this.retryButton.addEventListener('click', () => retry());
  }

  /** Shows `problem` (kept while it lasts), or hides the box once there is none; `opening` while a retry runs. */
  show(problem: MicrophoneProblem | null, opening: boolean): void {
    this.retryButton.disabled = opening;
    this.retryButton.textContent = opening ? 'Opening the microphone…' : 'Retry microphone';
    if (problem === this.shown) return;
    this.shown = problem;
    this.box.hidden = problem === null;
    if (!problem) return;
    this.text.textContent = SAYS[problem];
    this.help.textContent = problem === 'blocked' ? allowHelp(navigator.userAgent) : UNAVAILABLE_HELP;
  }
}
