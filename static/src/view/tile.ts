/** One participant on the stage or in the audience, with the founder's actions on it. */
import { shortAddress } from '../address';
import type { ModerateAction, Participant } from '@pnl-voice/client';
import { el } from './dom';
import { formatAmount, formatSpoken, hueOf } from './format';

export interface TileContext {
  self: string;
  /** The viewer moderates the room. */
  founder: boolean;
  speakerOnly: boolean;
  moderate(action: ModerateAction, target: string): void;
}

export function participantTile(p: Participant, ctx: TileContext): HTMLLIElement {
  const you = p.walletAddress === ctx.self;
  const name = shortAddress(p.walletAddress);
  const tile = el('li', 'tile', [avatar(p), body(p, name, you)]);
  tile.dataset.wallet = p.walletAddress;
  tile.dataset.speaker = String(p.isSpeaker);
  tile.dataset.live = String(p.isSpeaker && !p.isMuted);
  if (you) tile.dataset.you = 'true';
  if (ctx.founder && !you && !p.isFounder) tile.append(actions(p, name, ctx));
  return tile;
}

function avatar(p: Participant): HTMLElement {
  const circle = el('div', 'avatar', [el('span', 'initials', [p.walletAddress.slice(0, 2)])], { 'aria-hidden': 'true' });
  circle.style.setProperty('--hue', String(hueOf(p.walletAddress)));
  return circle;
}

function body(p: Participant, name: string, you: boolean): HTMLElement {
  const title = el('p', 'name', [name], { title: p.walletAddress });
  const badges = el('p', 'badges');
  if (you) badges.append(el('span', 'badge badge-you', ['You']));
  if (p.isFounder) badges.append(el('span', 'badge badge-founder', ['Founder']));
  if (p.position !== 'NONE') {
    badges.append(
      el('span', `badge badge-${p.position.toLowerCase()}`, [
        `${p.position} `,
        el('span', 'size', [formatAmount(p.positionSize)]),
      ], { title: `Holds ${p.positionSize} ${p.position}` }),
    );
  }
  return el('div', 'tile-body', [title, badges, meta(p)]);
}

function meta(p: Participant): HTMLElement {
  const line = el('p', 'meta');
  if (p.isSpeaker) {
    line.append(el('span', 'mic', [p.isMuted ? 'Muted' : 'Live']));
    line.append(el('span', 'talk-time', [formatSpoken(p.speakingTime)], { title: 'Time spent speaking' }));
  } else if (p.handRaised) {
    line.append(el('span', 'hand', ['Hand raised']));
  }
  line.append(el('span', 'speaking-now')); // filled on the active speaker's tile
  return line;
}

function actions(p: Participant, name: string, ctx: TileContext): HTMLElement {
  const box = el('div', 'tile-actions');
  const button = (action: ModerateAction, text: string, label: string, extra = '') => {
    const b = el('button', `small ${extra}`.trim(), [text], { type: 'button', 'aria-label': label });
    b.dataset.action = action;
    b.dataset.focusKey = `${action}:${p.walletAddress}`;
    b.addEventListener('click', () => ctx.moderate(action, p.walletAddress));
    box.append(b);
  };
  // The accessible name starts with the visible text, so voice control finds the button by what it shows.
  if (!p.isSpeaker) button('grant_speaker', 'Invite to speak', `Invite to speak: ${name}`);
  else if (ctx.speakerOnly) button('revoke_speaker', 'Move to listeners', `Move to listeners: ${name}`);
  button('kick', 'Remove', `Remove ${name} from the room`, 'danger');
  return box;
}
