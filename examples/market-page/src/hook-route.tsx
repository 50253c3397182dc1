/**
 * `#/hook`: the market with a voice bar of its own, built on `useVoiceRoom`
 * and `useRoomPreview` (and `<RoomAudio>` to play the room): what a team
 * does when the room must look like the rest of its site.
 */
import { liveLine, RoomAudio, shortAddress, useRoomPreview, useVoiceRoom, type UseVoiceRoomResult } from '@pnl-voice/react';
import type { PageConfig } from './config';
import { MarketPanel } from './market';
import { pageAuth } from './wallet';

/** A voice level above this counts as speaking. */
const SPEAKING_LEVEL = 0.05;

/** Who is speaking now: the loudest voice heard, else the speaker the server last named. */
function speakingNow(room: UseVoiceRoomResult): string | null {
  let loudest: string | null = null;
  let level = SPEAKING_LEVEL;
  for (const [wallet, value] of room.levels) {
    if (value > level) [loudest, level] = [wallet, value];
  }
  return loudest ?? room.activeSpeaker;
}

export function HookRoute({ config }: { config: PageConfig }) {
  const room = useVoiceRoom({ serverUrl: config.serverUrl, marketAddress: config.market, auth: pageAuth });
  const { preview } = useRoomPreview(config.serverUrl, config.market, { enabled: !room.joined });
  const speakers = room.joined ? room.speakers.length : (preview?.speakers ?? 0);
  const listeners = room.joined ? room.listeners.length : (preview?.listeners ?? 0);
  const live = room.joined || !!preview?.live;
  const you = room.you;
  const speaking = speakingNow(room);
  const run = (action: () => Promise<unknown>) => void action().catch(() => undefined); // shown from room.error

  return (
    <div className="layout single">
      <section className="voice-bar" aria-label="Market voice" data-connection={room.connection}>
        <p className="voice-bar-line">
          <span className="live-dot" data-live={live} aria-hidden="true" />
          {liveLine(live, speakers, listeners)}
          {speaking && <> · speaking: <code>{shortAddress(speaking)}</code></>}
        </p>
        <p className="voice-bar-you" role="status" aria-live="polite">
          {you
            ? `You: ${shortAddress(you.walletAddress)}${you.position !== 'NONE' ? ` · ${you.position} ${you.positionSize}` : ''} · ${
                you.isSpeaker ? (room.microphone.muted ? 'on stage, muted' : 'on stage, live') : you.handRaised ? 'hand raised' : 'listening'
              }`
            : room.connection === 'connecting'
              ? 'Joining…'
              : 'Not in the room'}
        </p>
        {room.error && <p role="alert" className="voice-bar-error">{room.error.message}</p>}
        <div className="voice-bar-actions">
          {!room.joined && (
            <button type="button" onClick={() => run(room.join)} disabled={room.connection === 'connecting'}>
              Listen
            </button>
          )}
          {you && !you.isSpeaker && (
            <button type="button" aria-pressed={you.handRaised} onClick={() => run(you.handRaised ? room.lowerHand : room.raiseHand)}>
              {you.handRaised ? 'Lower hand' : 'Raise hand'}
            </button>
          )}
          {you?.isSpeaker && (
            <button type="button" disabled={!room.microphone.ready} onClick={() => run(() => room.setMuted(!room.microphone.muted))}>
              {room.microphone.muted ? 'Unmute' : 'Mute'}
            </button>
          )}
          {room.joined && (
            <button type="button" onClick={() => run(room.leave)}>
              Leave
            </button>
          )}
        </div>
        <RoomAudio room={room} />
      </section>
      <MarketPanel market={config.market} />
    </div>
  );
}
