/** The mini-player (`?view=mini`) wired to the room: its buttons act on it, its snapshots redraw the pill. */
import type { VoiceRoom } from '@pnl-voice/client';
import type { EmbeddableRoom } from '../frame/room-api';
import { MiniView } from './mini';
import { miniState } from './mini-state';
import type { PreviewView } from './preview';
import { previewPill } from './preview-text';

const ignore = (): undefined => undefined;

/** `listen` does what the Listen button of the page does. */
export function startMini(room: EmbeddableRoom, listen: () => void, preview: PreviewView | undefined): MiniView {
  const mini = new MiniView({
    listen,
    mute: (muted) => void room.setMuted(muted).catch(ignore),
    hand: (raised) => void (raised ? room.raiseHand() : room.lowerHand()).catch(ignore),
  });
  const render = () => mini.render(miniState(room.state, preview?.latest ? previewPill(preview.latest) : ''));
  room.on('state', render);
  preview?.onUpdate(render);
  render();
  return mini;
}

/**
 * The collapsed mini-player opens for an invitation to speak (its prompt is
 * in the room) and closes again once the invitation is answered or gone.
 */
export function expandForInvitations(room: Pick<VoiceRoom, 'on'>, mini: MiniView): void {
  let opened = false;
  room.on('state', ({ invitation }) => {
    if (invitation && !mini.expanded) {
      opened = true;
      mini.expand(true);
    } else if (!invitation && opened) {
      opened = false;
      mini.expand(false);
    }
  });
}
