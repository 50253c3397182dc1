/**
 * Whether the server knows a market before anyone joins it: the room's
 * preview names a host (the market's founder) only for a market of the
 * server's market source. An unknown address is most often a typo.
 */
import { fetchPreview } from '@pnl-voice/client';

/** True when the market has a known founder, or when the preview cannot tell (the join then says what is wrong). */
export async function marketKnown(serverUrl: string, market: string): Promise<boolean> {
  const preview = await fetchPreview(serverUrl, market).catch(() => undefined);
  return !preview || preview.host !== null;
}
