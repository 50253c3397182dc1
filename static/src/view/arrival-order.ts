/**
 * The order people are shown in: the founder first, then in the order this
 * page first saw each of them. A reconnection (theirs or this page's) joins
 * everyone again with a new `joinedAt`; places on screen stay where they were.
 */
import type { Participant } from '@pnl-voice/client';

export class ArrivalOrder {
  /** First sight, by wallet, for this stay in the room. */
  private readonly seen = new Map<string, number>();

  /** `participants` in their places (those seen for the first time go last, by `joinedAt`). */
  sort(participants: readonly Participant[]): Participant[] {
    const fresh = participants
      .filter((p) => !this.seen.has(p.walletAddress))
      .sort((a, b) => a.joinedAt.localeCompare(b.joinedAt));
    for (const p of fresh) this.seen.set(p.walletAddress, this.seen.size);
    const place = (p: Participant) => this.seen.get(p.walletAddress) ?? 0;
    return [...participants].sort((a, b) => Number(b.isFounder) - Number(a.isFounder) || place(a) - place(b));
  }

  /** A new stay starts with nobody seen. */
  clear(): void {
    this.seen.clear();
  }
}
