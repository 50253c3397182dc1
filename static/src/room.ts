/**
 * One voice-room session over a Signaling connection: the mediasoup-client
 * Device flow (receive everyone, send the own mic for speakers) and the roster.
 */
import { Device, type types } from 'mediasoup-client';
import { shortAddress } from './address';
import { describeError, type Participant } from './protocol';
import type { Signaling } from './signaling';

/** The own microphone, as the page shows it. */
export interface MicState {
  /** A producer exists, so the user can unmute. */
  available: boolean;
  muted: boolean;
}

/** What a Room reports to the page. */
export interface RoomListener {
  roster(participants: Participant[], self: string): void;
  trackAdded(producerId: string, track: MediaStreamTrack): void;
  trackRemoved(producerId: string): void;
  micChanged(mic: MicState): void;
  /** A problem that does not end the session. */
  notice(text: string): void;
  /** The joined session is over: left, closed, kicked or disconnected. */
  ended(reason: string): void;
}

const MIC_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

export class Room {
  private readonly roster = new Map<string, Participant>();
  /** By producer id; `null` while its consume request is in flight. */
  private readonly consumers = new Map<string, types.Consumer | null>();
  private device?: Device;
  private iceServers: RTCIceServer[] = [];
  private recvTransport?: types.Transport;
  private sendTransport?: types.Transport;
  private producer?: types.Producer;
  private micStarting = false;
  private self = '';
  private joined = false;
  private endReason?: string;

  constructor(
    private readonly signaling: Signaling,
    private readonly listener: RoomListener,
  ) {
    this.subscribe();
  }

  /** Joins the market's room and consumes its speakers, then starts a speaker's muted mic. Returns "you". */
  async join(marketAddress: string): Promise<Participant> {
    try {
      const data = await this.signaling.request('voice:join', { marketAddress });
      this.self = data.you.walletAddress;
      this.iceServers = data.iceServers;
      for (const participant of [...data.participants, data.you]) {
        this.roster.set(participant.walletAddress, participant);
      }
      this.emitRoster();
      this.device = await Device.factory();
      await this.device.load({ routerRtpCapabilities: data.rtpCapabilities });
      this.recvTransport = await this.createTransport('recv');
      const { producers } = await this.signaling.request('voice:producers', {});
      for (const { producerId, walletAddress } of producers) void this.consume(producerId, walletAddress);
      this.joined = true;
      // The mic reports through micChanged/notice, after the caller has shown the join.
      if (data.you.isSpeaker) void this.startMic();
      return data.you;
    } catch (err) {
      // Ended by the server meanwhile: that says more than the request that failed.
      if (this.endReason !== undefined) throw new Error(this.endReason);
      this.end(describeError(err));
      throw err;
    }
  }

  /** Mutes or unmutes the own producer, locally and on the server. */
  async setMuted(muted: boolean): Promise<void> {
    const producer = this.producer;
    if (!producer) return;
    try {
      if (muted) producer.pause();
      await this.signaling.request('voice:mute', { muted });
      if (!muted) producer.resume();
      this.patch(this.self, { isMuted: muted });
    } finally {
      this.emitMic();
    }
  }

  /** Tells the server, then closes everything. */
  async leave(): Promise<void> {
    if (this.endReason !== undefined) return;
    await this.signaling.request('voice:leave', {}).catch(() => undefined); // leaving regardless
    this.end('You left the room.');
  }

  private subscribe(): void {
    const s = this.signaling;
    s.on('voice:user_joined', ({ user }) => {
      this.roster.set(user.walletAddress, user);
      this.emitRoster();
    });
    s.on('voice:user_left', ({ walletAddress }) => {
      this.roster.delete(walletAddress);
      this.emitRoster();
    });
    s.on('voice:user_muted', ({ walletAddress, muted }) => {
      this.patch(walletAddress, { isMuted: muted });
      // Muted by someone else (mute_all): silence the local producer too.
      if (walletAddress === this.self && muted) {
        this.producer?.pause();
        this.emitMic();
      }
    });
    s.on('voice:speaker_granted', ({ walletAddress }) => {
      this.patch(walletAddress, { isSpeaker: true, handRaised: false });
      if (walletAddress === this.self) void this.startMic();
    });
    s.on('voice:speaker_revoked', ({ walletAddress }) => {
      this.patch(walletAddress, { isSpeaker: false, isMuted: true });
      if (walletAddress === this.self) this.stopMic();
    });
    s.on('voice:hand_raised', ({ walletAddress }) => this.patch(walletAddress, { handRaised: true }));
    s.on('voice:hand_lowered', ({ walletAddress }) => this.patch(walletAddress, { handRaised: false }));
    s.on('voice:new_producer', ({ producerId, walletAddress }) => {
      // Before the recv transport exists, the `voice:producers` reply lists it.
      if (this.recvTransport) void this.consume(producerId, walletAddress);
    });
    s.on('voice:producer_closed', ({ producerId }) => {
      if (producerId === this.producer?.id) this.stopMic();
      else this.dropConsumer(producerId);
    });
    s.on('voice:room_closed', ({ reason }) => this.end(`Room closed: ${reason}`));
    s.on('voice:kicked', ({ reason }) => this.end(`Removed from the room: ${reason}`));
    s.on('voice:error', ({ code, message }) => this.listener.notice(`${code}: ${message}`));
    s.onClose((code) => this.end(`Disconnected from the voice server (${code}).`));
  }

  /** A transport on the room's router, wired to `connectTransport`. */
  private async createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const device = this.device;
    if (!device) throw new Error('The device is not loaded.');
    const data = await this.signaling.request('createTransport', { direction });
    const options = { ...data, iceServers: this.iceServers };
    const transport =
      direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.signaling
        .request('connectTransport', { transportId: transport.id, dtlsParameters })
        .then(callback, errback);
    });
    transport.on('connectionstatechange', (state) => {
      if (state === 'failed') this.listener.notice(`The ${direction} audio connection failed.`);
    });
    return transport;
  }

  /** Consumes one remote producer (paused on the server), plays it, then resumes it. */
  private async consume(producerId: string, walletAddress: string): Promise<void> {
    const transport = this.recvTransport;
    const device = this.device;
    if (!transport || !device || walletAddress === this.self || this.consumers.has(producerId)) return;
    this.consumers.set(producerId, null);
    try {
      const data = await this.signaling.request('consume', {
        transportId: transport.id,
        producerId,
        rtpCapabilities: device.recvRtpCapabilities,
      });
      const consumer = await transport.consume(data);
      if (!this.consumers.has(producerId)) {
        consumer.close(); // closed while we were consuming it
        return;
      }
      this.consumers.set(producerId, consumer);
      this.listener.trackAdded(producerId, consumer.track);
      await this.signaling.request('resumeConsumer', { consumerId: consumer.id });
    } catch (err) {
      if (!this.consumers.has(producerId)) return; // the producer or the room went away meanwhile
      this.dropConsumer(producerId);
      this.listener.notice(`Cannot play ${shortAddress(walletAddress)}: ${describeError(err)}`);
    }
  }

  private dropConsumer(producerId: string): void {
    const consumer = this.consumers.get(producerId);
    this.consumers.delete(producerId);
    if (!consumer) return;
    consumer.close();
    this.listener.trackRemoved(producerId);
  }

  /** Opens the mic, the send transport and a producer, paused: everyone starts muted. */
  private async startMic(): Promise<void> {
    if (this.sendTransport || this.micStarting) return;
    this.micStarting = true;
    let stream: MediaStream | undefined;
    try {
      if (!navigator.mediaDevices) throw new Error('the microphone needs HTTPS (or localhost).');
      stream = await navigator.mediaDevices.getUserMedia({ audio: MIC_CONSTRAINTS });
      if (this.endReason !== undefined) throw new Error('the room ended.');
      const transport = await this.createTransport('send');
      this.sendTransport = transport;
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        this.signaling
          .request('produce', { transportId: transport.id, kind, rtpParameters, appData })
          .then(callback, errback);
      });
      const [track] = stream.getAudioTracks();
      this.producer = await transport.produce({ track });
      this.producer.pause();
      this.producer.on('trackended', () => this.listener.notice('The microphone stopped.'));
    } catch (err) {
      for (const track of stream?.getTracks() ?? []) track.stop();
      this.stopMic();
      if (this.endReason === undefined) this.listener.notice(`Microphone unavailable: ${describeError(err)}`);
    } finally {
      this.micStarting = false;
      this.emitMic();
    }
  }

  /** Closes the own producer (which stops the mic track) and the send transport. */
  private stopMic(): void {
    this.producer?.close();
    this.sendTransport?.close();
    this.producer = undefined;
    this.sendTransport = undefined;
    this.emitMic();
  }

  private end(reason: string): void {
    if (this.endReason !== undefined) return;
    this.endReason = reason;
    for (const producerId of [...this.consumers.keys()]) this.dropConsumer(producerId);
    this.stopMic();
    this.recvTransport?.close();
    this.signaling.close();
    if (this.joined) this.listener.ended(reason);
  }

  private patch(walletAddress: string, change: Partial<Participant>): void {
    const participant = this.roster.get(walletAddress);
    if (!participant) return;
    this.roster.set(walletAddress, { ...participant, ...change });
    this.emitRoster();
  }

  private emitRoster(): void {
    this.listener.roster([...this.roster.values()], this.self);
  }

  private emitMic(): void {
    this.listener.micChanged({ available: this.producer !== undefined, muted: this.producer?.paused ?? true });
  }
}
