/**
 * Voice levels measured in the browser, not sent by the server: each packet
 * a consumer receives carries its speaker's level (the `ssrc-audio-level`
 * RTP header extension), which `RTCRtpReceiver.getSynchronizationSources()`
 * exposes; the own level comes from the sender's `media-source` stats. The
 * server only says when the set of audible speakers changes
 * (`voice:speaking`): the fallback for a speaker this client cannot measure.
 */

/** How often levels are read while joined. */
export const LEVEL_POLL_MS = 150;
/**
 * A source whose last packet is older than this is silent: with DTX a quiet
 * speaker sends almost nothing, while browsers keep a source listed for 10 s.
 */
export const SOURCE_STALE_MS = 500;
/** The level drawn for an audible speaker this client cannot measure. */
export const FALLBACK_LEVEL = 0.5;

/** Voices from -60 dBov up count: -60…-10 dBov maps to 0…1. */
export function levelOf(volume: number): number {
  return Math.min(1, Math.max(0, (volume + 60) / 50));
}

/** A linear audio level (0 to 1, 1 = 0 dBov, as WebRTC reports it) on the 0…1 scale of `levelOf`. */
export function levelOfLinear(audioLevel: number): number {
  return audioLevel > 0 ? levelOf(20 * Math.log10(audioLevel)) : 0;
}

/** The part of an `RTCRtpSynchronizationSource` read here. */
export interface SourceLevel {
  /** When its last packet was played, in the clock of `Date.now()`. */
  timestamp: number;
  audioLevel?: number;
}

/** A receiver's level at `now`: its freshest source's, 0 when none was heard lately. */
export function receivedLevel(sources: readonly SourceLevel[], now: number): number {
  let freshest: SourceLevel | undefined;
  for (const source of sources) if (!freshest || source.timestamp > freshest.timestamp) freshest = source;
  if (!freshest || now - freshest.timestamp > SOURCE_STALE_MS) return 0;
  return levelOfLinear(freshest.audioLevel ?? 0);
}

/** The sender's own level from its stats (`media-source`), if the browser reports one. */
export function sentLevel(stats: { values(): Iterable<unknown> }): number | undefined {
  for (const entry of stats.values()) {
    const report = entry as { type?: string; kind?: string; audioLevel?: number };
    if (report.type === 'media-source' && report.kind === 'audio' && typeof report.audioLevel === 'number') {
      return levelOfLinear(report.audioLevel);
    }
  }
  return undefined;
}

/**
 * The levels to draw: what was measured (0 included: measured silent), and
 * for speakers the server says are audible but nobody measured, a fixed
 * level. Only those above 0 are kept: an empty map is silence.
 */
export function drawnLevels(measured: ReadonlyMap<string, number>, audible: readonly string[]): Map<string, number> {
  const levels = new Map<string, number>();
  for (const [wallet, level] of measured) if (level > 0) levels.set(wallet, level);
  for (const wallet of audible) if (!measured.has(wallet)) levels.set(wallet, FALLBACK_LEVEL);
  return levels;
}

/** Same wallets, same levels. */
export function sameLevels(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [wallet, level] of a) if (b.get(wallet) !== level) return false;
  return true;
}
