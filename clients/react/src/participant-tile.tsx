/** One participant: avatar with a speaking ring, name, badges (host, YES/NO and size), and the actions this user may take on them. */
import type { CSSProperties } from 'react';
import { formatAmount, hueOf, shortAddress } from './format.js';
import type { Participant } from '@pnl-voice/client';
import type { UseVoiceRoomResult } from './use-voice-room.js';

/** A voice level above this counts as speaking for the ring. */
const SPEAKING_LEVEL = 0.05;

export interface ParticipantTileProps {
  participant: Participant;
  room: UseVoiceRoomResult;
  /** Swallows an action's failure (the room records it as `error`). */
  act(action: () => Promise<unknown>): void;
}

export function ParticipantTile({ participant: p, room, act }: ParticipantTileProps) {
  const you = p.walletAddress === room.you?.walletAddress;
  const name = shortAddress(p.walletAddress);
  const level = room.levels.get(p.walletAddress) ?? 0;
  const speaking = p.isSpeaker && !p.isMuted && (room.activeSpeaker === p.walletAddress || level > SPEAKING_LEVEL);
  const avatarStyle = { '--pnl-voice-level': level.toFixed(3), '--pnl-voice-hue': hueOf(p.walletAddress) } as CSSProperties;
  return (
    <li
      className="pnl-voice-tile"
      data-wallet={p.walletAddress}
      data-speaker={p.isSpeaker}
      data-speaking={speaking}
      data-you={you || undefined}
    >
      <div className="pnl-voice-avatar" style={avatarStyle} aria-hidden="true">
        {p.walletAddress.slice(0, 2)}
      </div>
      <div className="pnl-voice-tile-body">
        <p className="pnl-voice-name" title={p.walletAddress}>
          {p.displayName && p.displayName !== p.walletAddress ? p.displayName : name}
        </p>
        <p className="pnl-voice-badges">
          {you && <span className="pnl-voice-badge" data-kind="you">You</span>}
          {p.isFounder && <span className="pnl-voice-badge" data-kind="founder">Founder</span>}
          {p.position !== 'NONE' && (
            <span className="pnl-voice-badge" data-kind="position" data-position={p.position} title={`Holds ${p.positionSize} ${p.position}`}>
              {p.position} <span className="pnl-voice-size">{formatAmount(p.positionSize)}</span>
            </span>
          )}
        </p>
        <p className="pnl-voice-meta">
          {p.isSpeaker ? (p.isMuted ? 'Muted' : speaking ? 'Speaking' : 'Live') : p.handRaised ? 'Hand raised' : 'Listening'}
        </p>
      </div>
      <TileActions participant={p} name={name} you={you} room={room} act={act} />
    </li>
  );
}

function TileActions({ participant: p, name, you, room, act }: ParticipantTileProps & { name: string; you: boolean }) {
  if (you) return null;
  const moderate = room.isHost && !p.isFounder;
  const localMute = p.isSpeaker;
  if (!moderate && !localMute) return null;
  const mutedHere = room.locallyMuted.has(p.walletAddress);
  return (
    <div className="pnl-voice-tile-actions">
      {localMute && (
        <button
          type="button"
          className="pnl-voice-button"
          aria-pressed={mutedHere}
          aria-label={`Mute ${name} for me`}
          onClick={() => act(() => room.setSpeakerMutedLocally(p.walletAddress, !mutedHere))}
        >
          {mutedHere ? 'Muted for me' : 'Mute for me'}
        </button>
      )}
      {moderate && !p.isSpeaker && (
        <button type="button" className="pnl-voice-button" aria-label={`Invite ${name} to speak`} onClick={() => act(() => room.grantSpeaker(p.walletAddress))}>
          Invite to speak
        </button>
      )}
      {moderate && p.isSpeaker && (
        <button type="button" className="pnl-voice-button" aria-label={`Move ${name} back to the listeners`} onClick={() => act(() => room.revokeSpeaker(p.walletAddress))}>
          Move to listeners
        </button>
      )}
      {moderate && (
        <button type="button" className="pnl-voice-button" data-variant="danger" aria-label={`Remove ${name} from the room`} onClick={() => act(() => room.kick(p.walletAddress))}>
          Remove
        </button>
      )}
    </div>
  );
}
