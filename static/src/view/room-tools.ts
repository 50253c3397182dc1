/** The room's own actions, below the stage: End room for the founder and the host. */
import type { RoomSnapshot } from '@pnl-voice/client';
import { byId } from './dom';

export class RoomTools {
  private readonly endButton = byId<HTMLButtonElement>('end-room');

  constructor(endRoom: () => void) {
    this.endButton.addEventListener('click', () => {
      // Ending closes everyone's stay: ask first.
      if (window.confirm('End the room for everyone? Everyone in it leaves now.')) endRoom();
    });
  }

  /** Shows what the viewer's role allows. */
  setRoom(state: RoomSnapshot): void {
    const me = state.you;
    this.endButton.hidden = !(me?.isFounder || me?.isHost);
  }
}
