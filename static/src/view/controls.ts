/** The control bar: mute, push-to-talk, hand, microphone choice, mute all, leave. */
import type { RoomState } from '../room-state';
import type { MicState } from '../session';
import { byId, el } from './dom';
import { pushToTalk } from './push-to-talk';

export interface ControlHandlers {
  mute(muted: boolean): void;
  hand(raised: boolean): void;
  chooseMic(deviceId: string): void;
  muteAll(): void;
  leave(): void;
}

export class Controls {
  private readonly muteButton = byId<HTMLButtonElement>('mute');
  private readonly pttButton = byId<HTMLButtonElement>('ptt');
  private readonly handButton = byId<HTMLButtonElement>('hand');
  private readonly micField = byId<HTMLElement>('mic-field');
  private readonly micSelect = byId<HTMLSelectElement>('mic');
  private readonly muteAllButton = byId<HTMLButtonElement>('mute-all');
  private readonly leaveButton = byId<HTMLButtonElement>('leave');
  private mic: MicState = { speaker: false, ready: false, muted: true, devices: [], deviceId: '' };
  private handRaised = false;
  /** Push-to-talk unmuted the mic and will mute it again on release. */
  private talking = false;

  constructor(private readonly handlers: ControlHandlers) {
    this.muteButton.addEventListener('click', () => handlers.mute(!this.mic.muted));
    this.handButton.addEventListener('click', () => handlers.hand(!this.handRaised));
    this.micSelect.addEventListener('change', () => handlers.chooseMic(this.micSelect.value));
    this.muteAllButton.addEventListener('click', () => handlers.muteAll());
    this.leaveButton.addEventListener('click', () => handlers.leave());
    pushToTalk(this.pttButton, (held) => this.pushToTalk(held));
  }

  setMic(mic: MicState): void {
    this.mic = mic;
    this.muteButton.hidden = !mic.speaker;
    this.pttButton.hidden = !mic.speaker;
    this.micField.hidden = !mic.speaker || mic.devices.length === 0;
    this.muteButton.disabled = !mic.ready;
    // Never `disabled`: a disabled button would swallow the release of a hold.
    this.pttButton.setAttribute('aria-disabled', String(!mic.ready || (!mic.muted && !this.talking)));
    this.muteButton.textContent = mic.muted ? 'Unmute' : 'Mute';
    this.muteButton.classList.toggle('live', !mic.muted);
    this.muteButton.setAttribute('aria-label', mic.muted ? 'Unmute your microphone' : 'Mute your microphone');
    this.pttButton.classList.toggle('live', this.talking);
    this.pttButton.textContent = this.talking ? 'Talking…' : 'Hold to talk';
    this.renderDevices(mic);
  }

  /** Room actions wait while the connection is rebuilt. */
  setOnline(online: boolean): void {
    this.handButton.disabled = !online;
    this.muteAllButton.disabled = !online;
  }

  /** Shows what the viewer's role allows. */
  setRoom(state: RoomState): void {
    const me = state.me;
    this.handRaised = me?.handRaised ?? false;
    this.handButton.hidden = !me || me.isSpeaker || !state.settings.speakerOnly;
    this.handButton.textContent = this.handRaised ? 'Lower hand' : 'Raise hand';
    this.handButton.setAttribute('aria-pressed', String(this.handRaised));
    this.muteAllButton.hidden = !state.founder;
  }

  private pushToTalk(held: boolean): void {
    if (held && this.mic.ready && this.mic.muted) {
      this.talking = true;
      this.handlers.mute(false);
    } else if (!held && this.talking) {
      this.talking = false;
      this.handlers.mute(true);
    }
    this.setMic(this.mic);
  }

  private renderDevices(mic: MicState): void {
    const same =
      this.micSelect.options.length === mic.devices.length &&
      mic.devices.every((d, i) => this.micSelect.options[i]?.value === d.deviceId);
    if (!same) {
      this.micSelect.replaceChildren(...mic.devices.map((d) => el('option', '', [d.label], { value: d.deviceId })));
    }
    if (mic.devices.some((d) => d.deviceId === mic.deviceId)) this.micSelect.value = mic.deviceId;
  }
}
