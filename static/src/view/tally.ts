/**
 * The live side tally: how many YES and NO holders are on stage, and how
 * the room splits between the sides, by holders and by position size.
 * Computed from the participants the page already has, so it follows
 * every join, leave and move to the stage without a message of its own.
 */
import type { Participant, VoiceRoom } from '@pnl-voice/client';
import { byId, el } from './dom';
import { formatAmount } from './format';

/** One side's numbers. */
export interface SideCount {
  /** Holders of the side on stage. */
  stage: number;
  /** Holders of the side in the room. */
  holders: number;
  /** Their position sizes added up. */
  size: number;
}

export interface Tally {
  yes: SideCount;
  no: SideCount;
}

/** The tally of `participants`; holders of nothing count on neither side. */
export function sideTally(participants: readonly Participant[]): Tally {
  const tally: Tally = { yes: { stage: 0, holders: 0, size: 0 }, no: { stage: 0, holders: 0, size: 0 } };
  for (const p of participants) {
    if (p.position === 'NONE') continue;
    const side = p.position === 'YES' ? tally.yes : tally.no;
    side.holders += 1;
    side.size += p.positionSize;
    if (p.isSpeaker) side.stage += 1;
  }
  return tally;
}

/** `part` of `whole` as a whole percentage (0 when the whole is 0). */
export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((100 * part) / whole) : 0;
}

/** Keeps the tally strip (`#tally`) in step with `room`. */
export function startTallyView(room: VoiceRoom): void {
  const view = new TallyView();
  room.on('state', (state) => view.render(state.participants));
  room.on('closed', () => view.clear());
}

/** The tally strip above the stage. */
class TallyView {
  private readonly section = byId<HTMLElement>('tally');
  private readonly body = byId<HTMLElement>('tally-body');
  private last = '';

  render(participants: readonly Participant[]): void {
    const tally = sideTally(participants);
    const holders = tally.yes.holders + tally.no.holders;
    const size = tally.yes.size + tally.no.size;
    const key = JSON.stringify(tally);
    if (key === this.last) return; // nothing moved: the screen reader's place stays
    this.last = key;
    this.section.hidden = holders === 0;
    if (holders === 0) return;
    const sizeShare = percent(tally.yes.size, size);
    const stage = el('p', 'tally-stage', [
      'On stage: ',
      el('span', 'tally-yes', [`YES ${tally.yes.stage}`]),
      ' / ',
      el('span', 'tally-no', [`NO ${tally.no.stage}`]),
    ]);
    const bar = el('div', 'tally-bar', [el('span', 'tally-bar-yes'), el('span', 'tally-bar-no')], { 'aria-hidden': 'true' });
    bar.style.setProperty('--yes-share', `${size > 0 ? sizeShare : percent(tally.yes.holders, holders)}%`);
    this.body.replaceChildren(stage, bar, this.sides(tally, holders, size));
  }

  clear(): void {
    this.last = '';
    this.body.replaceChildren();
    this.section.hidden = true;
  }

  private sides(tally: Tally, holders: number, size: number): HTMLElement {
    const line = (name: 'YES' | 'NO', side: SideCount) =>
      el('li', `tally-side tally-side-${name.toLowerCase()}`, [
        el('strong', '', [name]),
        ` ${percent(side.holders, holders)}% of holders (${side.holders}), `,
        `${percent(side.size, size)}% of the position size (${formatAmount(side.size)})`,
      ]);
    return el('ul', 'tally-room', [line('YES', tally.yes), line('NO', tally.no)], { 'aria-label': 'In the room' });
  }
}
