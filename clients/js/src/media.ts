/**
 * The mediasoup side of one joined connection: a receive transport with a
 * consumer per remote speaker, and for a speaker a send transport with the
 * own (paused) producer. A failed ICE connection is restarted in place.
 */
import type { types } from 'mediasoup-client';
import { receivedLevel, sentLevel } from './levels.js';
import type { Platform } from './platform.js';
import { describeError } from './describe-error.js';
import { VoiceError } from './protocol.js';
import type { Signaling } from './signaling.js';
import type { JoinData } from './wire/index.js';

/** Opus as the server's router offers it: in-band FEC against loss, DTX (almost nothing sent in silence). */
const OPUS_OPTIONS = { opusFec: true, opusDtx: true };

/** Consecutive ICE restarts of one transport before giving up on it. */
export const ICE_RESTART_LIMIT = 3;

export interface MediaListener {
  trackAdded(producerId: string, walletAddress: string, track: MediaStreamTrack): void;
  trackRemoved(producerId: string, walletAddress: string): void;
  /** The audio path dropped ('restarting') or works again ('ok'). */
  audioPath(state: 'ok' | 'restarting'): void;
  /** ICE could not be restored: the connection must be rebuilt. */
  failed(): void;
  /** A problem that does not end anything. */
  problem(error: VoiceError): void;
  /** The user muted this speaker on this device: its consumers stay paused. */
  mutedLocally(walletAddress: string): boolean;
}

export interface MediaOptions {
  iceTransportPolicy: RTCIceTransportPolicy;
  createDevice: Platform['createDevice'];
}

interface Received {
  walletAddress: string;
  /** `null` while the consume request is in flight. */
  consumer: types.Consumer | null;
}

export class MediaLink {
  private readonly received = new Map<string, Received>();
  private recvTransport?: types.Transport;
  private sendTransport?: types.Transport;
  private producer?: types.Producer;
  private closed = false;

  private constructor(
    private readonly signaling: Signaling,
    private readonly device: types.Device,
    private readonly iceServers: RTCIceServer[],
    private readonly options: MediaOptions,
    private readonly listener: MediaListener,
  ) {}

  /** Loads the device for the room's router and opens the receive transport. */
  static async open(
    signaling: Signaling,
    join: JoinData,
    options: MediaOptions,
    listener: MediaListener,
  ): Promise<MediaLink> {
    const device = await options.createDevice();
    await device.load({ routerRtpCapabilities: join.rtpCapabilities });
    const link = new MediaLink(signaling, device, join.iceServers, options, listener);
    link.recvTransport = await link.createTransport('recv');
    return link;
  }

  /** A producer exists. */
  get sending(): boolean {
    return this.producer !== undefined && !this.producer.closed;
  }

  get paused(): boolean {
    return this.producer?.paused ?? true;
  }

  /** Consumes one remote producer (created paused on the server), plays it, then resumes it. */
  async consume(producerId: string, walletAddress: string): Promise<void> {
    const transport = this.recvTransport;
    if (!transport || this.closed || this.received.has(producerId)) return;
    this.received.set(producerId, { walletAddress, consumer: null });
    try {
      const data = await this.signaling.request('consume', {
        transportId: transport.id,
        producerId,
        rtpCapabilities: this.device.recvRtpCapabilities,
      });
      const consumer = await transport.consume(data);
      if (!this.received.has(producerId)) {
        consumer.close(); // closed while it was being consumed
        return;
      }
      this.received.set(producerId, { walletAddress, consumer });
      this.listener.trackAdded(producerId, walletAddress, consumer.track);
      if (this.listener.mutedLocally(walletAddress)) consumer.pause();
      else await this.signaling.request('resumeConsumer', { consumerId: consumer.id });
    } catch (err) {
      if (!this.received.has(producerId) || this.closed) return; // gone meanwhile
      this.dropConsumer(producerId);
      this.listener.problem(new VoiceError('MEDIA', `Cannot play a speaker: ${describeError(err)}`));
    }
  }

  dropConsumer(producerId: string): void {
    const received = this.received.get(producerId);
    this.received.delete(producerId);
    if (!received?.consumer) return;
    received.consumer.close();
    this.listener.trackRemoved(producerId, received.walletAddress);
  }

  /**
   * Levels (0 to 1) read now: each remote speaker's from the audio received
   * (`ssrc-audio-level`), and the own one (`own`, 0 while muted) from the
   * sender's stats. A speaker whose receiver cannot tell is left out.
   */
  async measureLevels(now: number): Promise<{ received: Map<string, number>; own?: number }> {
    const received = new Map<string, number>();
    for (const { walletAddress, consumer } of this.received.values()) {
      const receiver = consumer?.rtpReceiver;
      if (!consumer || !receiver?.getSynchronizationSources) continue;
      const level = consumer.paused ? 0 : receivedLevel(receiver.getSynchronizationSources(), now);
      received.set(walletAddress, Math.max(level, received.get(walletAddress) ?? 0));
    }
    const producer = this.producer;
    if (!producer || producer.closed) return { received };
    if (producer.paused) return { received, own: 0 };
    const own = sentLevel(await producer.getStats().catch(() => new Map()));
    return own === undefined ? { received } : { received, own };
  }

  /** Pauses or resumes, here and on the server, every consumer of one speaker. */
  async setPausedFor(walletAddress: string, paused: boolean): Promise<void> {
    const consumers = [...this.received.values()]
      .filter((received) => received.walletAddress === walletAddress)
      .map((received) => received.consumer)
      .filter((consumer): consumer is types.Consumer => consumer !== null && !consumer.closed);
    for (const consumer of consumers) {
      if (paused) consumer.pause();
      await this.signaling.request(paused ? 'pauseConsumer' : 'resumeConsumer', { consumerId: consumer.id });
      if (!paused) consumer.resume();
    }
  }

  /** Opens the send transport and produces `track`, paused: everyone starts muted. */
  async send(track: MediaStreamTrack): Promise<void> {
    if (this.sending || this.closed) return;
    const transport = await this.createTransport('send');
    this.sendTransport = transport;
    transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      this.signaling.request('produce', { transportId: transport.id, kind, rtpParameters }).then(callback, errback);
    });
    // The track belongs to the room's microphone: it outlives producers across reconnections.
    // zeroRtpOnPause: a muted speaker sends nothing at all (the track is
    // detached while paused), not sparse silence packets.
    const producer = await transport.produce({
      track,
      stopTracks: false,
      zeroRtpOnPause: true,
      codecOptions: OPUS_OPTIONS,
    });
    producer.pause();
    producer.on('trackended', () => this.listener.problem(new VoiceError('MEDIA', 'The microphone stopped.')));
    this.producer = producer;
  }

  /** Closes the producer and the send transport (the track keeps running). */
  stopSending(): void {
    this.producer?.close();
    this.sendTransport?.close();
    this.producer = undefined;
    this.sendTransport = undefined;
  }

  pause(): void {
    this.producer?.pause();
  }

  resume(): void {
    this.producer?.resume();
  }

  /** Puts another microphone track on the producer without renegotiation. */
  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    await this.producer?.replaceTrack({ track });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const producerId of [...this.received.keys()]) this.dropConsumer(producerId);
    this.stopSending();
    this.recvTransport?.close();
  }

  /** A transport on the room's router, wired to `connectTransport` and ICE restarts. */
  private async createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const data = await this.signaling.request('createTransport', { direction });
    const options = { ...data, iceServers: this.iceServers, iceTransportPolicy: this.options.iceTransportPolicy };
    const transport =
      direction === 'send' ? this.device.createSendTransport(options) : this.device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.signaling.request('connectTransport', { transportId: transport.id, dtlsParameters }).then(callback, errback);
    });
    let restarts = 0;
    transport.on('connectionstatechange', (state) => {
      if (this.closed) return;
      if (state === 'connected') {
        restarts = 0;
        this.listener.audioPath('ok');
      } else if (state === 'disconnected') {
        this.listener.audioPath('restarting');
      } else if (state === 'failed') {
        restarts += 1;
        if (restarts > ICE_RESTART_LIMIT) this.listener.failed();
        else void this.restartIce(transport);
      }
    });
    return transport;
  }

  /** New ICE credentials from the server (`restartIce`), then a local ICE restart. */
  private async restartIce(transport: types.Transport): Promise<void> {
    this.listener.audioPath('restarting');
    try {
      const { iceParameters } = await this.signaling.request('restartIce', { transportId: transport.id });
      if (!transport.closed) await transport.restartIce({ iceParameters });
    } catch {
      if (!this.closed && !transport.closed) this.listener.failed();
    }
  }
}
