/**
 * The room as this client knows it: participants, the speaker queue and the
 * settings. Applies server events and the client's own confirmed actions
 * (the server does not echo an actor's own changes back to it).
 */
import type { JoinData, Participant, RoomSettings } from './protocol';

export class RoomState {
  readonly self: string;
  readonly participants = new Map<string, Participant>();
  queue: string[];
  settings: RoomSettings;

  constructor(data: JoinData) {
    this.self = data.you.walletAddress;
    for (const participant of [...data.participants, data.you]) {
      this.participants.set(participant.walletAddress, participant);
    }
    this.queue = [];
    this.settings = data.settings;
    this.setQueue(data.speakerQueue);
  }

  get me(): Participant | undefined {
    return this.participants.get(this.self);
  }

  /** This client moderates the room. */
  get founder(): boolean {
    return this.me?.isFounder ?? false;
  }

  add(participant: Participant): void {
    this.participants.set(participant.walletAddress, participant);
  }

  remove(walletAddress: string): void {
    this.participants.delete(walletAddress);
    this.queue = this.queue.filter((wallet) => wallet !== walletAddress);
  }

  patch(walletAddress: string, change: Partial<Participant>): void {
    const participant = this.participants.get(walletAddress);
    if (participant) this.participants.set(walletAddress, { ...participant, ...change });
  }

  /** The FIFO queue after a change; hand flags follow it. */
  setQueue(queue: string[]): void {
    this.queue = queue.filter((wallet) => this.participants.has(wallet));
    for (const [wallet, participant] of this.participants) {
      const raised = this.queue.includes(wallet);
      if (participant.handRaised !== raised) this.patch(wallet, { handRaised: raised });
    }
  }

  grant(walletAddress: string): void {
    this.patch(walletAddress, { isSpeaker: true });
    this.setQueue(this.queue.filter((wallet) => wallet !== walletAddress));
  }

  revoke(walletAddress: string): void {
    this.patch(walletAddress, { isSpeaker: false, isMuted: true });
  }

  /** `mute_all`: every speaker but the founder is muted. */
  muteAll(): void {
    for (const participant of this.participants.values()) {
      if (participant.isSpeaker && !participant.isFounder) this.patch(participant.walletAddress, { isMuted: true });
    }
  }

  /** New settings; opening the floor makes everyone a speaker and empties the queue. */
  applySettings(settings: RoomSettings): void {
    this.settings = settings;
    if (settings.speakerOnly) return;
    for (const wallet of this.participants.keys()) this.patch(wallet, { isSpeaker: true });
    this.setQueue([]);
  }

  /** Adds speaking time heard in a level report. */
  addSpeakingTime(walletAddress: string, seconds: number): void {
    const participant = this.participants.get(walletAddress);
    if (participant) participant.speakingTime += seconds;
  }
}
