/**
 * The room page when a market page frames it: the channel to the host,
 * the host's commands, the room's events for the host, the mini-player's
 * size, and the host's wallet as the signer.
 */
import type { HostCommand } from '@pnl-voice/client/embed';
import type { MiniView } from '../view/mini';
import { bridgeSigner } from './bridge-signer';
import { FrameChannel } from './channel';
import { forwardRoomEvents } from './forward-events';
import { LAYOUTS } from './layout';
import type { EmbeddableRoom, Signer } from './room-api';

/** A room action's failure shows in the room's own error events; the host's command has no reply. */
const ignore = (): undefined => undefined;

export class EmbeddedPage {
  /**
   * Talks to the host page when it is trusted; undefined when the page is
   * not framed, or framed by a stranger. `join` does what the Listen button does.
   */
  static async start(room: EmbeddableRoom, join: () => void, mini: MiniView | undefined): Promise<EmbeddedPage | undefined> {
    const channel = await FrameChannel.open();
    if (!channel) return undefined;
    return new EmbeddedPage(channel, room, join, mini);
  }

  private constructor(private readonly channel: FrameChannel, room: EmbeddableRoom, join: () => void, mini: MiniView | undefined) {
    channel.onCommand((command: HostCommand) => {
      switch (command.type) {
        case 'join':
          return join();
        case 'leave':
          return void room.leave().catch(ignore);
        case 'mute':
          return void room.setMuted(command.muted === true).catch(ignore);
        case 'raise-hand':
          return void room.raiseHand().catch(ignore);
        case 'lower-hand':
          return void room.lowerHand().catch(ignore);
        case 'expand':
          return mini?.expand(command.expanded === true);
      }
    });
    forwardRoomEvents(room, channel);
    mini?.onLayout((mode) => channel.post({ type: 'layout', ...LAYOUTS[mode] }));
  }

  /** The host page's wallet, when it has one (it may ask the user to connect). */
  async signer(): Promise<Signer | undefined> {
    try {
      return await bridgeSigner(this.channel);
    } catch {
      return undefined;
    }
  }
}
