/**
 * Plays each remote speaker's track in an `<audio>` element (Chromium
 * plays remote WebRTC audio only through a sink), muted for speakers this
 * user muted locally. If the browser blocks autoplay, `onBlocked` tells
 * the view to offer an "Enable audio" button.
 */
import { useEffect, useRef } from 'react';
import type { RemoteAudioTrack } from './room-store.js';
import type { UseVoiceRoomResult } from './use-voice-room.js';

export interface RoomAudioProps {
  room: UseVoiceRoomResult;
  /** The browser refused to autoplay (true) or plays again (false): offer a button that calls `resumeAudio`. */
  onBlocked?(blocked: boolean): void;
}

/** Plays the room's audio: for UIs built on `useVoiceRoom` (`<VoiceRoom>` includes it). */
export function RoomAudio({ room, onBlocked = ignore }: RoomAudioProps) {
  return <RemoteAudio tracks={room.audioTracks} locallyMuted={room.locallyMuted} onBlocked={onBlocked} />;
}

function ignore(): void {}

export interface RemoteAudioProps {
  tracks: readonly RemoteAudioTrack[];
  locallyMuted: ReadonlySet<string>;
  onBlocked(blocked: boolean): void;
}

export function RemoteAudio({ tracks, locallyMuted, onBlocked }: RemoteAudioProps) {
  return (
    <div className="pnl-voice-audio" hidden>
      {tracks.map(({ walletAddress, producerId, track }) => (
        <TrackAudio key={producerId} track={track} muted={locallyMuted.has(walletAddress)} onBlocked={onBlocked} />
      ))}
    </div>
  );
}

function TrackAudio({ track, muted, onBlocked }: { track: MediaStreamTrack; muted: boolean; onBlocked(blocked: boolean): void }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const audio = ref.current;
    if (!audio) return undefined;
    audio.srcObject = new MediaStream([track]);
    audio.play().then(
      () => onBlocked(false),
      (error: unknown) => {
        if (error instanceof DOMException && error.name === 'NotAllowedError') onBlocked(true);
      },
    );
    return () => {
      audio.srcObject = null;
    };
  }, [track, onBlocked]);
  return <audio ref={ref} autoPlay muted={muted} data-pnl-voice-audio="" />;
}

/** After a user gesture: plays every room audio element under `root`. */
export function resumeAudio(root: ParentNode | null): Promise<unknown> {
  const elements = root ? [...root.querySelectorAll<HTMLAudioElement>('audio[data-pnl-voice-audio]')] : [];
  return Promise.all(elements.map((audio) => audio.play()));
}
