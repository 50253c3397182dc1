/**
 * Reactions: a picker of the fixed set for members (one menu button), and
 * everyone's reactions floating up over the room, tinted by the sender's
 * side (YES, NO or none). The floating layer is hidden from screen readers
 * (a burst of emoji is noise there); with reduced motion they appear in
 * place and fade without moving (style.css).
 */
import { REACTIONS, type Emoji } from '@pnl-voice/client';
import { el } from './dom';
import { menuButton } from './menu';

/** Each reaction's name in the picker (the set and its order are the SDK's `REACTIONS`). */
const NAMES: Record<Emoji, string> = {
  '👍': 'Thumbs up',
  '👎': 'Thumbs down',
  '👏': 'Applause',
  '🔥': 'Fire',
  '😂': 'Laughing',
  '🤔': 'Thinking',
  '💯': 'Hundred',
  '❤️': 'Heart',
};

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
    items: REACTIONS.map((emoji) => ({ key: NAMES[emoji], text: `${emoji} ${NAMES[emoji]}`, run: () => react(emoji) })),
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
