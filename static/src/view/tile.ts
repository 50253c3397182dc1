/** One participant on the stage or in the audience, with one menu of what the viewer may do to them. */
import { shortAddress } from '../address';
import type { Participant } from '@pnl-voice/client';
import { el } from './dom';
import { formatAmount, formatSpoken, hueOf } from './format';
import { menuButton, type Menu } from './menu';
import { personActions, type PersonAction, type Viewer } from './person-actions';

export interface TileContext {
  viewer: Viewer;
  /** The wallet whose menu is open ('' for none): a redraw keeps it open. */
  openMenu: string;
  /** A menu opened (`menu`) or closed (`null`). */
  menuToggled(wallet: string, menu: Menu | null): void;
  act(action: PersonAction, target: string): void;
}

export function participantTile(p: Participant, ctx: TileContext): HTMLLIElement {
  const you = p.walletAddress === ctx.viewer.me.walletAddress;
  const name = shortAddress(p.walletAddress);
  const mutedForMe = ctx.viewer.mutedForMe.includes(p.walletAddress);
  const tile = el('li', 'tile', [avatar(p), body(p, name, you, mutedForMe)]);
  tile.dataset.wallet = p.walletAddress;
  tile.dataset.speaker = String(p.isSpeaker);
  tile.dataset.live = String(p.isSpeaker && !p.isMuted);
  if (mutedForMe) tile.dataset.mutedForMe = 'true';
  if (p.invited) tile.dataset.invited = 'true';
  if (you) tile.dataset.you = 'true';
  const items = personActions(p, ctx.viewer);
  if (items.length) tile.append(personMenu(p, name, items, ctx));
  return tile;
}

function avatar(p: Participant): HTMLElement {
  const circle = el('div', 'avatar', [el('span', 'initials', [p.walletAddress.slice(0, 2)])], { 'aria-hidden': 'true' });
  circle.style.setProperty('--hue', String(hueOf(p.walletAddress)));
  return circle;
}

function body(p: Participant, name: string, you: boolean, mutedForMe: boolean): HTMLElement {
  const title = el('p', 'name', [name], { title: p.walletAddress });
  const badges = el('p', 'badges');
  if (you) badges.append(el('span', 'badge badge-you', ['You']));
  if (p.isFounder) badges.append(el('span', 'badge badge-founder', ['Founder']));
  if (p.isHost && !p.isFounder) badges.append(el('span', 'badge badge-host', ['Host']));
  else if (p.isCoHost) badges.append(el('span', 'badge badge-host', ['Co-host']));
  if (p.position !== 'NONE') {
    badges.append(
      el('span', `badge badge-${p.position.toLowerCase()}`, [
        `${p.position} `,
        el('span', 'size', [formatAmount(p.positionSize)]),
      ], { title: `Holds ${p.positionSize} ${p.position}` }),
    );
  }
  return el('div', 'tile-body', [title, badges, meta(p, mutedForMe)]);
}

function meta(p: Participant, mutedForMe: boolean): HTMLElement {
  const line = el('p', 'meta');
  if (p.isSpeaker) {
    line.append(el('span', 'mic', [p.isMuted ? 'Muted' : 'Live']));
    if (mutedForMe) line.append(el('span', 'muted-for-me', ['Muted for you']));
    line.append(el('span', 'talk-time', [formatSpoken(p.speakingTime)], { title: 'Time spent speaking' }));
  } else if (p.invited) {
    line.append(el('span', 'invited', ['Invited to speak']));
  } else if (p.handRaised) {
    line.append(el('span', 'hand', ['Hand raised']));
  }
  line.append(el('span', 'speaking-now')); // filled on the active speaker's tile
  return line;
}

/** The one button of the tile: a menu of what the viewer may do to `p`. */
function personMenu(
  p: Participant,
  name: string,
  items: ReturnType<typeof personActions>,
  ctx: TileContext,
): HTMLElement {
  const label = `Actions for ${name}`;
  const menu: Menu = menuButton({
    key: `person:${p.walletAddress}`,
    label,
    content: [el('span', 'menu-dots', ['⋯'], { 'aria-hidden': 'true' }), el('span', 'visually-hidden', [label])],
    open: ctx.openMenu === p.walletAddress,
    toggled: (open) => ctx.menuToggled(p.walletAddress, open ? menu : null),
    items: items.map(({ action, text, danger }) => ({
      key: action,
      text,
      ...(danger ? { danger } : {}),
      run: () => ctx.act(action, p.walletAddress),
    })),
  });
  if (ctx.openMenu === p.walletAddress) ctx.menuToggled(p.walletAddress, menu); // still open after a redraw
  return el('div', 'tile-actions', [menu.element]);
}
