/** The room's title and one line that says what is going on: live or not, how many speak and listen, who hosts. */
import { liveLine, shortAddress } from './format.js';
import type { RoomPreview } from '@pnl-voice/client';
import type { UseVoiceRoomResult } from './use-voice-room.js';

export interface RoomHeaderProps {
  room: UseVoiceRoomResult;
  preview: RoomPreview | null;
  /** Overrides the market question from the server. */
  title?: string;
  headingId: string;
}

export function RoomHeader({ room, preview, title, headingId }: RoomHeaderProps) {
  const heading = title ?? preview?.title ?? 'Market voice room';
  // Once joined, the room's own state is fresher than the preview.
  const live = room.joined || !!preview?.live;
  const speakers = room.joined ? room.speakers.length : (preview?.speakers ?? 0);
  const listeners = room.joined ? room.listeners.length : (preview?.listeners ?? 0);
  const host = room.participants.find((p) => p.isFounder)?.walletAddress ?? preview?.host?.walletAddress;
  const summary = preview || room.joined ? liveLine(live, speakers, listeners) : null;
  return (
    <header className="pnl-voice-header">
      <p className="pnl-voice-brand">
        <span className="pnl-voice-dot" aria-hidden="true" data-live={live} />
        PNL Voice
      </p>
      <h2 id={headingId} className="pnl-voice-title">
        {heading}
      </h2>
      {summary && (
        <p className="pnl-voice-summary" data-live={live}>
          {summary}
          {host && <> · hosted by <span title={host}>{shortAddress(host)}</span></>}
        </p>
      )}
    </header>
  );
}
