/**
 * `useRoomPreview`: what a room looks like before joining (title, live,
 * counts, host), from the server's public preview endpoint. Fetched in an
 * effect and refreshed while `enabled`, so rendering stays side-effect free.
 */
import { fetchPreview as defaultFetchPreview, type RoomPreview } from '@pnl-voice/client';
import { useEffect, useRef, useState } from 'react';
import { toRoomError } from './room-store.js';
import type { FetchPreview, RoomError } from './room-types.js';

export interface UseRoomPreviewOptions {
  /** Fetch and refresh only while true (e.g. until the user joins). Default true. */
  enabled?: boolean;
  /** How often to refresh, in milliseconds. Default 15 000. */
  refreshMs?: number;
  /** Loads the preview; tests pass a stand-in. Default: `fetchPreview` of `@pnl-voice/client`. */
  fetchPreview?: FetchPreview;
}

export interface RoomPreviewState {
  preview: RoomPreview | null;
  error: RoomError | null;
}

export function useRoomPreview(serverUrl: string, marketAddress: string, options: UseRoomPreviewOptions = {}): RoomPreviewState {
  const { enabled = true, refreshMs = 15_000 } = options;
  const [state, setState] = useState<RoomPreviewState>({ preview: null, error: null });
  // The latest loader, so an inline function does not restart the effect on every render.
  const loader = useRef(options.fetchPreview ?? defaultFetchPreview);
  useEffect(() => {
    loader.current = options.fetchPreview ?? defaultFetchPreview;
  });

  useEffect(() => {
    if (!enabled) return undefined;
    let active = true;
    const load = () => {
      loader.current(serverUrl, marketAddress).then(
        (preview) => active && setState({ preview, error: null }),
        (error: unknown) => active && setState((prev) => ({ preview: prev.preview, error: toRoomError(error) })),
      );
    };
    load();
    const timer = setInterval(load, refreshMs);
    return () => {
      active = false;
      clearInterval(timer);
    };
  }, [serverUrl, marketAddress, enabled, refreshMs]);

  return state;
}
