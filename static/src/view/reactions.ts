/**
 * Reactions: a picker of the fixed set for members (one menu button), and
 * everyone's reactions floating up over the room, tinted by the sender's
 * side (YES, NO or none). The floating layer is hidden from screen readers
 * (a burst of emoji is noise there); with reduced motion they appear in
 * place and fade without moving (style.css).
 */
import type { Emoji } from '@pnl-voice/client';
import { el } from './dom';
import { menuButton } from './menu';

/** The reactions the server accepts, with their names for the picker. */
export const REACTIONS: readonly { emoji: Emoji; name: string }[] = [
  { emoji: '👍', name: 'Thumbs up' },
  { emoji: '👎', name: 'Thumbs down' },
  { emoji: '👏', name: 'Applause' },
  { emoji: '🔥', name: 'Fire' },
  { emoji: '😂', name: 'Laughing' },
  { emoji: '🤔', name: 'Thinking' },
  { emoji: '💯', name: 'Hundred' },
  { emoji: '❤️', name: 'Heart' },
];

/** How long a reaction stays on screen (the float animation's length). */
const SHOWN_MS = 2600;
/** Reactions on screen at most: a flood drops the oldest. */
const MAX_SHOWN = 24;

export interface FloatingReaction {
  emoji: string;
  side: 'YES' | 'NO' | 'NONE';
}

/** The picker: one "React" menu button whose items send a reaction. */
export function reactionPicker(react: (emoji: Emoji) => void): HTMLElement {
  return menuButton({
    key: 'react',
    label: 'React',
    content: ['React'],
    open: false,
    toggled: () => undefined,
    items: REACTIONS.map(({ emoji, name }) => ({ key: name, text: `${emoji} ${name}`, run: () => react(emoji) })),
    className: 'react-button',
  }).element;
}

/** The layer reactions float on. */
export class ReactionLayer {
  constructor(private readonly layer: HTMLElement) {}

  show({ emoji, side }: FloatingReaction): void {
    while (this.layer.childElementCount >= MAX_SHOWN) this.layer.firstElementChild?.remove();
    const bubble = el('span', 'reaction', [emoji]);
    bubble.dataset.side = side;
    bubble.style.setProperty('--x', `${(8 + Math.random() * 84).toFixed(1)}%`);
    this.layer.append(bubble);
    setTimeout(() => bubble.remove(), SHOWN_MS);
  }

  clear(): void {
    this.layer.replaceChildren();
  }
}
