/**
 * The sizes the docked mini-player asks its host page for: a pill when
 * collapsed, a panel when expanded. The host clamps both to its viewport,
 * so on a phone the panel is the screen's width minus a margin.
 */
import type { Layout } from '@pnl-voice/client/embed';
import { INITIAL_LAYOUT } from '../embed/frame-element';

export const LAYOUTS: Record<Layout['mode'], Layout> = {
  collapsed: INITIAL_LAYOUT,
  expanded: { mode: 'expanded', width: 440, height: 680 },
};
