// Fakes of what the SDK takes from the browser: a voice server behind a fake
// WebSocket and fetch, a mediasoup Device with scriptable transports, a
// microphone, and timers that run 100 times faster and record their delays.

import { EventEmitter } from 'node:events';

export const FOUNDER = 'Founder1111111111111111111111111111111111111';
export const ME = 'Me111111111111111111111111111111111111111111';
export const OTHER = 'Other11111111111111111111111111111111111111';
export const MARKET = 'Market1111111111111111111111111111111111111';

export function participant(walletAddress, change = {}) {
  return {
    walletAddress,
    displayName: walletAddress.slice(0, 4),
    position: 'NONE',
    positionSize: 0,
    isFounder: false,
    isHost: false,
    isCoHost: false,
    isSpeaker: false,
    isMuted: true,
    handRaised: false,
    invited: false,
    joinedAt: '2026-01-01T00:00:00Z',
    speakingTime: 0,
    ...change,
  };
}

export function joinData({
  you = participant(ME),
  participants = [participant(FOUNDER, { isFounder: true, isSpeaker: true })],
  queue = [],
  settings = {},
  activeSpeaker = null,
  rejoinsLeft = null,
  debate = null,
} = {}) {
  return {
    roomId: 'room-1',
    workerId: 'w-1',
    nodeId: 'n-1',
    workerUrl: 'ws://node-1/ws',
    rtpCapabilities: { codecs: [], headerExtensions: [] },
    participants,
    speakerQueue: queue,
    activeSpeaker,
    settings: { maxParticipants: 100, speakerOnly: true, autoDestroy: true, destroyAfterMinutes: 5, ...settings },
    iceServers: [],
    you,
    host: FOUNDER,
    coHosts: [],
    reservations: [],
    rejoinsLeft,
    debate,
  };
}

/** Waits until `check()` is truthy (bounded). */
export async function until(check, what = 'condition', ms = 3000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** What the fake server keeps of a socket's room: its wallet, the queue, who speaks (wallet → live). */
function roomOf(join) {
  const speakers = new Map();
  for (const p of [...join.participants, join.you]) if (p.isSpeaker && !p.isFounder) speakers.set(p.walletAddress, !p.isMuted);
  return { self: join.you.walletAddress, queue: [...join.speakerQueue], speakers };
}

/** A founder's action: its events, to the founder's own socket. */
function moderate(socket, { action, targetWallet }) {
  const room = socket.room;
  const send = (event, data) => socket.deliver({ event, data });
  if (action === 'grant_speaker') {
    room.speakers.set(targetWallet, false);
    send('voice:speaker_granted', { walletAddress: targetWallet });
    if (room.queue.includes(targetWallet)) {
      room.queue = room.queue.filter((w) => w !== targetWallet);
      send('voice:hand_lowered', { walletAddress: targetWallet, queue: room.queue });
    }
  } else if (action === 'invite_speaker') {
    send('voice:speaker_invited', { walletAddress: targetWallet, expiresAt: new Date(Date.now() + 60_000).toISOString() });
  } else if (action === 'revoke_speaker') {
    room.speakers.delete(targetWallet);
    send('voice:speaker_revoked', { walletAddress: targetWallet });
  } else if (action === 'kick') {
    room.speakers.delete(targetWallet);
    room.queue = room.queue.filter((w) => w !== targetWallet);
    send('voice:user_left', { walletAddress: targetWallet });
  } else if (action === 'mute_all') {
    for (const [wallet, live] of room.speakers) {
      if (!live) continue;
      room.speakers.set(wallet, false);
      send('voice:user_muted', { walletAddress: wallet, muted: true });
    }
  }
}

export const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The voice server: sockets, replies by method (overridable per test with
 * `server.reply[method] = (data, socket) => data | {error}`), events, drops.
 * Like the real server, it sends an action's events to everyone in the room,
 * the actor included, before the reply: here to the socket that asked, from
 * the room its join returned (`socket.room`).
 */
export class FakeServer {
  constructor() {
    this.sockets = [];
    this.requests = [];
    this.signIns = 0;
    this.healthy = true;
    /** Abuse reports filed over REST: `{body, authorization}`. */
    this.reports = [];
    /** Tokens whose socket upgrade is refused. */
    this.refused = new Set();
    /** Refuse every socket (server down). */
    this.down = false;
    this.producers = [];
    this.join = () => joinData();
    this.reply = {};
  }

  get openSockets() {
    return this.sockets.filter((s) => s.readyState === 1);
  }

  get last() {
    return this.openSockets.at(-1);
  }

  requestsOf(method) {
    return this.requests.filter((r) => r.method === method);
  }

  /** Sends a server event to the latest open socket. */
  event(event, data) {
    this.last.deliver({ event, data });
  }

  /** Drops the latest socket like a network loss. */
  drop() {
    this.last.serverClose(1006);
  }

  answer(method, data, socket) {
    if (this.reply[method]) return this.reply[method](data, socket);
    switch (method) {
      case 'voice:join': {
        const join = this.join(data, socket);
        if (!join.error) socket.room = roomOf(join);
        return join;
      }
      case 'createTransport':
        return { id: `t-${data.direction}-${this.sockets.length}`, iceParameters: {}, iceCandidates: [], dtlsParameters: {} };
      case 'voice:producers':
        return { producers: this.producers };
      case 'consume':
        return { id: `c-${data.producerId}`, producerId: data.producerId, kind: 'audio', rtpParameters: {} };
      case 'produce':
        return { id: 'p-me' };
      case 'restartIce':
        return { iceParameters: { usernameFragment: 'new' } };
      case 'voice:raise_hand': {
        const room = socket.room;
        room.queue = [...room.queue.filter((w) => w !== room.self), room.self];
        socket.deliver({ event: 'voice:hand_raised', data: { walletAddress: room.self, queue: room.queue } });
        return { position: room.queue.length };
      }
      case 'voice:lower_hand': {
        const room = socket.room;
        if (room.queue.includes(room.self)) {
          room.queue = room.queue.filter((w) => w !== room.self);
          socket.deliver({ event: 'voice:hand_lowered', data: { walletAddress: room.self, queue: room.queue } });
        }
        return {};
      }
      case 'voice:mute':
        socket.room.speakers.set(socket.room.self, !data.muted);
        socket.deliver({ event: 'voice:user_muted', data: { walletAddress: socket.room.self, muted: data.muted } });
        return {};
      case 'voice:moderate':
        moderate(socket, data);
        return {};
      case 'voice:update_settings': {
        const settings = { maxParticipants: 100, speakerOnly: true, autoDestroy: true, destroyAfterMinutes: 5, ...data };
        socket.deliver({ event: 'voice:settings_updated', data: { settings } });
        return { settings };
      }
      default:
        return {};
    }
  }

  /** The platform pieces wired to this server. */
  platform(extra = {}) {
    const server = this;
    class FakeSocket {
      constructor(url, protocols = []) {
        this.url = url;
        this.protocols = protocols;
        this.token = protocols.includes('pnl-voice')
          ? (protocols.find((p) => p.startsWith('bearer.'))?.slice('bearer.'.length) ?? null)
          : new URL(url).searchParams.get('token');
        this.readyState = 0;
        this.onopen = this.onclose = this.onmessage = null;
        server.sockets.push(this);
        setTimeout(() => {
          if (server.down || server.refused.has(this.token)) this.serverClose(1006);
          else {
            this.readyState = 1;
            this.onopen?.({});
          }
        }, 1);
      }
      send(text) {
        const request = JSON.parse(text);
        server.requests.push({ ...request, socket: this });
        setTimeout(() => {
          if (this.readyState !== 1) return;
          let answer;
          try {
            answer = server.answer(request.method, request.data, this);
          } catch (error) {
            answer = { error: { code: 'INTERNAL', message: String(error) } };
          }
          if (answer && answer.error) this.deliver({ id: request.id, ok: false, error: answer.error });
          else this.deliver({ id: request.id, ok: true, data: answer });
        }, 1);
      }
      deliver(message) {
        this.onmessage?.({ data: JSON.stringify(message) });
      }
      close() {
        if (this.readyState === 3) return;
        this.readyState = 3;
        setTimeout(() => this.onclose?.({ code: 1000 }), 0);
      }
      serverClose(code) {
        if (this.readyState === 3) return;
        this.readyState = 3;
        this.onclose?.({ code });
      }
    }
    const delays = [];
    const json = (data) => ({ ok: true, status: 200, statusText: 'OK', json: async () => ({ success: true, data }) });
    const device = new FakeDevice();
    /** `blocked`: the permission is refused, as a browser refuses it (`NotAllowedError`). */
    const microphone = { opened: 0, tracks: [], blocked: false };
    return {
      delays,
      device,
      microphone,
      platform: {
        WebSocket: FakeSocket,
        createDevice: async () => {
          device.created += 1;
          return device;
        },
        fetch: async (url, init) => {
          const path = new URL(url).pathname;
          if (path === '/health') {
            if (!server.healthy) throw new Error('connection refused');
            return { ok: true, status: 200 };
          }
          const body = init?.body ? JSON.parse(init.body) : undefined;
          if (path === '/api/auth/challenge') return json({ nonce: 'n', message: `sign in ${body.walletAddress}`, expiresAt: '' });
          if (path === '/api/auth/verify') {
            server.signIns += 1;
            return json({ token: `tok-${server.signIns}`, expiresAt: new Date(Date.now() + 3600_000).toISOString() });
          }
          if (path === '/api/voice/report') {
            server.reports.push({ body, authorization: init.headers.Authorization });
            return json({ reportId: `r-${server.reports.length}` });
          }
          return { ok: false, status: 404, statusText: 'Not Found', json: async () => ({ success: false, error: { code: 'NOT_FOUND', message: path } }) };
        },
        openMicrophone: async (deviceId) => {
          if (microphone.blocked) throw Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
          microphone.opened += 1;
          const track = new FakeTrack(deviceId);
          microphone.tracks.push(track);
          return track;
        },
        setTimeout: (callback, ms) => {
          delays.push(ms);
          // Unref'd: a room still joined when its test ends polls levels, which must not keep node running.
          return setTimeout(callback, ms / 100).unref();
        },
        clearTimeout: (handle) => clearTimeout(handle),
        random: () => 0.5,
        now: () => Date.now(),
        ...extra,
      },
    };
  }
}

export class FakeTrack {
  constructor(deviceId = '') {
    this.deviceId = deviceId;
    this.readyState = 'live';
    this.enabled = true;
  }
  getSettings() {
    return { deviceId: this.deviceId };
  }
  stop() {
    this.readyState = 'ended';
  }
}

class FakeDevice {
  constructor() {
    this.created = 0;
    this.transports = [];
    this.recvRtpCapabilities = { codecs: [] };
  }
  async load() {}
  createRecvTransport(options) {
    return this.add(new FakeTransport('recv', options));
  }
  createSendTransport(options) {
    return this.add(new FakeTransport('send', options));
  }
  add(transport) {
    this.transports.push(transport);
    return transport;
  }
  /** The newest open transport of `direction`. */
  transport(direction) {
    return this.transports.filter((t) => t.direction === direction && !t.closed).at(-1);
  }
}

class FakeTransport extends EventEmitter {
  constructor(direction, options) {
    super();
    this.direction = direction;
    this.options = options;
    this.id = options.id;
    this.closed = false;
    this.iceRestarts = 0;
    this.consumers = [];
  }
  async consume({ id, producerId }) {
    const consumer = new FakeConsumer(id, producerId);
    this.consumers.push(consumer);
    return consumer;
  }
  async produce({ track }) {
    const id = await new Promise((resolve, reject) =>
      this.emit('produce', { kind: 'audio', rtpParameters: {}, appData: {} }, ({ id }) => resolve(id), reject),
    );
    this.producer = new FakeProducer(id, track);
    return this.producer;
  }
  async restartIce() {
    this.iceRestarts += 1;
  }
  close() {
    this.closed = true;
  }
}

class FakeConsumer {
  constructor(id, producerId) {
    this.id = id;
    this.producerId = producerId;
    this.track = new FakeTrack();
    this.rtpReceiver = new FakeReceiver();
    this.paused = false;
    this.closed = false;
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  close() {
    this.closed = true;
  }
}

/** An RTCRtpReceiver's synchronization sources, as the received packets' level extension fills them. */
class FakeReceiver {
  constructor() {
    this.sources = [];
  }
  /** A packet of `audioLevel` (linear, 1 = 0 dBov) played just now. */
  hear(audioLevel, timestamp = Date.now()) {
    this.sources = [{ source: 1, timestamp, audioLevel, rtpTimestamp: 0 }];
  }
  getSynchronizationSources() {
    return this.sources;
  }
}

class FakeProducer extends EventEmitter {
  constructor(id, track) {
    super();
    this.id = id;
    this.track = track;
    this.paused = false;
    this.closed = false;
    /** The microphone's level as the sender's `media-source` stats report it. */
    this.audioLevel = 0;
  }
  async getStats() {
    return new Map([['ms', { type: 'media-source', kind: 'audio', audioLevel: this.audioLevel }]]);
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  async replaceTrack({ track }) {
    this.track = track;
  }
  close() {
    this.closed = true;
  }
}

export const signer = (publicKey = ME) => ({
  publicKey,
  signed: 0,
  async signMessage() {
    this.signed += 1;
    return new Uint8Array(64);
  },
});
