/** The words of a room preview: the heading and the one-line summary ("LIVE · 2 speaking · 41 listening · hosted by …"). */

/** What `GET /api/voice/preview` tells about a room before joining it. */
export interface RoomPreview {
  marketAddress: string;
  title: string | null;
  live: boolean;
  speakers: number;
  listeners: number;
  host: { walletAddress: string } | null;
  startedAt: string | null;
}

/** `AbCd…wXyZ`. */
export function shortWallet(address: string): string {
  return address.length > 10 ? `${address.slice(0, 4)}…${address.slice(-4)}` : address;
}

/** The market's question, else "Room AbCd…wXyZ". */
export function previewHeading(preview: Pick<RoomPreview, 'title' | 'marketAddress'>): string {
  const title = preview.title?.trim();
  return title ? title : `Room ${shortWallet(preview.marketAddress)}`;
}

export function previewSummary(preview: RoomPreview): string {
  const host = preview.host ? ` · hosted by ${shortWallet(preview.host.walletAddress)}` : '';
  if (!preview.live) return `Not live yet — be the first to join${host}`;
  return `LIVE · ${preview.speakers} speaking · ${preview.listeners} listening${host}`;
}

/** The short form for the mini-player's pill: the counts without the host. */
export function previewPill(preview: RoomPreview): string {
  return preview.live ? `LIVE · ${preview.speakers} speaking · ${preview.listeners} listening` : 'Not live yet';
}
