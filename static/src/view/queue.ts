/**
 * The raised hands, grouped by the side each one holds (YES, NO, neither),
 * each with its badge and position size and its place in the one queue
 * (first come, first served across the groups), so a host can give each
 * side its turn at a glance.
 */
import type { Participant, Position } from '@pnl-voice/client';
import { shortAddress } from '../address';
import { el } from './dom';
import { formatAmount } from './format';

export interface QueueContext {
  self: string;
  /** The viewer may bring people on stage. */
  moderator: boolean;
  invite(wallet: string): void;
}

const GROUPS: readonly { position: Position; title: string }[] = [
  { position: 'YES', title: 'YES holders' },
  { position: 'NO', title: 'NO holders' },
  { position: 'NONE', title: 'No position' },
];

/** The `<li>` of each side with hands up, each holding the hands in queue order. */
export function queueGroups(
  queue: readonly string[],
  participants: readonly Participant[],
  ctx: QueueContext,
): HTMLLIElement[] {
  const byWallet = new Map(participants.map((p) => [p.walletAddress, p]));
  const groups: HTMLLIElement[] = [];
  for (const { position, title } of GROUPS) {
    const hands = queue
      .map((wallet, index) => ({ wallet, place: index + 1, who: byWallet.get(wallet) }))
      .filter(({ who }) => (who?.position ?? 'NONE') === position);
    if (hands.length === 0) continue;
    const id = `queue-group-${position.toLowerCase()}`;
    const heading = el('h3', 'queue-group-title', [`${title} `, el('span', 'count', [`(${hands.length})`])], { id });
    const list = el('ol', 'queue-group-list', hands.map((hand) => queueItem(hand.wallet, hand.place, hand.who, ctx)), {
      'aria-labelledby': id,
    });
    const group = el('li', `queue-group queue-group-${position.toLowerCase()}`, [heading, list]);
    groups.push(group);
  }
  return groups;
}

function queueItem(wallet: string, place: number, who: Participant | undefined, ctx: QueueContext): HTMLLIElement {
  const name = shortAddress(wallet);
  const person = el('span', 'queue-who', [el('span', 'name', [name], { title: wallet })]);
  if (wallet === ctx.self) person.append(el('span', 'you', ['(you)']));
  if (who && who.position !== 'NONE') {
    person.append(
      el('span', `badge badge-${who.position.toLowerCase()}`, [`${who.position} `, el('span', 'size', [formatAmount(who.positionSize)])], {
        title: `Holds ${who.positionSize} ${who.position}`,
      }),
    );
  }
  const item = el('li', 'queue-item', [el('span', 'queue-place', [`${place}.`], { title: `Number ${place} in line` }), person]);
  item.dataset.wallet = wallet;
  if (ctx.moderator) {
    const grant = el('button', 'small primary', ['Invite'], {
      type: 'button',
      'aria-label': `Invite ${name} to speak`,
    });
    grant.dataset.action = 'grant_speaker';
    grant.dataset.focusKey = `queue:${wallet}`;
    grant.addEventListener('click', () => ctx.invite(wallet));
    item.append(grant);
  }
  return item;
}
