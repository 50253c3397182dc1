/** The room before joining (`GET /api/voice/preview`): public, no sign-in. */
import { callApi } from './api.js';
import type { RoomPreview } from './wire/index.js';

/** Who is in `marketAddress`'s room now, its title and host; rejects with `INVALID_ADDRESS` for a bad address. */
export function fetchPreview(serverUrl: string, marketAddress: string): Promise<RoomPreview> {
  return callApi<RoomPreview>(
    (input, init) => globalThis.fetch(input, init),
    serverUrl,
    `/api/voice/preview?marketAddress=${encodeURIComponent(marketAddress)}`,
  );
}
