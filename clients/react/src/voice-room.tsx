/**
 * `<VoiceRoom>`: a market's voice room, ready to drop into a page. Before
 * joining it shows the room's preview and one Listen button; once joined,
 * the stage, the raised hands, the audience and the user's controls.
 * `<VoiceRoomView>` is the same UI over a `useVoiceRoom` result the page
 * already has.
 */
import type { RoomPreview } from '@pnl-voice/client';
import { useCallback, useId, useRef, useState, type CSSProperties } from 'react';
import { ParticipantTile } from './participant-tile.js';
import { RemoteAudio, resumeAudio } from './remote-audio.js';
import { RoomControls } from './room-controls.js';
import { RoomHeader } from './room-header.js';
import type { FetchPreview } from './room-types.js';
import { shortAddress } from './format.js';
import { statusText } from './status-text.js';
import { useRoomPreview } from './use-room-preview.js';
import { useVoiceRoom, type UseVoiceRoomOptions, type UseVoiceRoomResult } from './use-voice-room.js';

export interface VoiceRoomViewProps {
  room: UseVoiceRoomResult;
  /** The room's preview (see `useRoomPreview`), shown before joining. */
  preview?: RoomPreview | null;
  /** Overrides the market question from the server. */
  title?: string;
  className?: string;
  style?: CSSProperties;
}

export interface VoiceRoomProps extends UseVoiceRoomOptions, Omit<VoiceRoomViewProps, 'room' | 'preview'> {
  /** Loads the preview; tests pass a stand-in. Default: `fetchPreview` of `@pnl-voice/client`. */
  fetchPreview?: FetchPreview;
}

export function VoiceRoom({ title, className, style, fetchPreview, ...options }: VoiceRoomProps) {
  const room = useVoiceRoom(options);
  const { preview } = useRoomPreview(options.serverUrl, options.marketAddress, { enabled: !room.joined, fetchPreview });
  return <VoiceRoomView room={room} preview={preview} title={title} className={className} style={style} />;
}

export function VoiceRoomView({ room, preview = null, title, className, style }: VoiceRoomViewProps) {
  const headingId = useId();
  const rootRef = useRef<HTMLElement>(null);
  const [audioBlocked, setAudioBlocked] = useState(false);
  const act = useCallback((action: () => Promise<unknown>) => {
    action().catch(() => undefined); // the hook records it as `room.error`, shown below
  }, []);
  const busy = room.connection === 'connecting';
  return (
    <section
      ref={rootRef}
      className={['pnl-voice', className].filter(Boolean).join(' ')}
      style={style}
      aria-labelledby={headingId}
      data-connection={room.connection}
    >
      <RoomHeader room={room} preview={preview} title={title} headingId={headingId} />
      <p className="pnl-voice-status" role="status" aria-live="polite">
        {statusText(room)}
      </p>
      {room.error && (
        <div className="pnl-voice-error" role="alert">
          <p>{room.error.message}</p>
          <button type="button" className="pnl-voice-button" data-variant="quiet" onClick={room.clearError}>
            Dismiss
          </button>
        </div>
      )}
      {audioBlocked && (
        <button
          type="button"
          className="pnl-voice-button"
          data-variant="primary"
          onClick={() => resumeAudio(rootRef.current).then(() => setAudioBlocked(false), () => undefined)}
        >
          Enable audio
        </button>
      )}
      {room.joined ? (
        <JoinedRoom room={room} act={act} />
      ) : (
        <button type="button" className="pnl-voice-button pnl-voice-listen" data-variant="primary" disabled={busy} aria-busy={busy} onClick={() => act(room.join)}>
          {busy ? 'Joining…' : 'Listen'}
        </button>
      )}
      <RemoteAudio tracks={room.audioTracks} locallyMuted={room.locallyMuted} onBlocked={setAudioBlocked} />
    </section>
  );
}

function JoinedRoom({ room, act }: { room: UseVoiceRoomResult; act(action: () => Promise<unknown>): void }) {
  const stageId = useId();
  const queueId = useId();
  const audienceId = useId();
  return (
    <div className="pnl-voice-room">
      <section className="pnl-voice-stage" aria-labelledby={stageId}>
        <h3 id={stageId}>
          On stage <span className="pnl-voice-count">{room.speakers.length}</span>
        </h3>
        <ul className="pnl-voice-tiles">
          {room.speakers.map((p) => (
            <ParticipantTile key={p.walletAddress} participant={p} room={room} act={act} />
          ))}
        </ul>
      </section>
      {room.queue.length > 0 && (
        <section className="pnl-voice-queue" aria-labelledby={queueId}>
          <h3 id={queueId}>
            Raised hands <span className="pnl-voice-count">{room.queue.length}</span>
          </h3>
          <ol>
            {room.queue.map((wallet) => (
              <li key={wallet} data-wallet={wallet}>
                <span title={wallet}>{shortAddress(wallet)}</span>
                {room.isHost && (
                  <button type="button" className="pnl-voice-button" aria-label={`Invite ${shortAddress(wallet)} to speak`} onClick={() => act(() => room.grantSpeaker(wallet))}>
                    Invite to speak
                  </button>
                )}
              </li>
            ))}
          </ol>
        </section>
      )}
      <section className="pnl-voice-audience" aria-labelledby={audienceId}>
        <h3 id={audienceId}>
          Listening <span className="pnl-voice-count">{room.listeners.length}</span>
        </h3>
        <ul className="pnl-voice-tiles">
          {room.listeners.map((p) => (
            <ParticipantTile key={p.walletAddress} participant={p} room={room} act={act} />
          ))}
        </ul>
      </section>
      <RoomControls room={room} act={act} />
    </div>
  );
}
