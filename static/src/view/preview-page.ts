/** The preview on a room's page: shown and refreshed while the viewer is not in the room. */
import type { EmbeddableRoom } from '../frame/room-api';
import { PreviewView } from './preview';
import type { RoomPreview } from './preview-text';

/** Shows `market`'s preview (fetched by `load`) until the viewer joins, and again after they leave. */
export function startPreview(room: EmbeddableRoom, market: string, load: () => Promise<RoomPreview>): PreviewView {
  const preview = new PreviewView();
  preview.show(market, load);
  room.on('connection', (connection) => {
    if (connection === 'closed' || connection === 'idle') preview.start();
    else preview.stop();
  });
  return preview;
}
