/** The reactions a room takes (`room.react`), in the order a UI shows them: the server refuses any other. */
import type { Emoji } from './wire/index.js';

export const REACTIONS = ['👍', '👎', '👏', '🔥', '😂', '🤔', '💯', '❤️'] as const satisfies readonly Emoji[];
