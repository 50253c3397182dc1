/**
 * The control bar: mute, push-to-talk, hand, and behind **More** on small
 * screens the microphone choice and mute all; Leave stands apart in the top bar.
 */
import type { MicrophoneDevice, MicrophoneState, RoomSnapshot } from '@pnl-voice/client';
import { byId, el } from './dom';
import { pushToTalk } from './push-to-talk';

/** The microphone as the control bar shows it: the SDK's state, the role and the inputs to choose from. */
export interface MicView extends MicrophoneState {
  /** A speaker, so a microphone is (or is being) set up. */
  speaker: boolean;
  devices: MicrophoneDevice[];
}

export interface ControlHandlers {
  mute(muted: boolean): void;
  pushToTalk(held: boolean): void;
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
  private readonly moreButton = byId<HTMLButtonElement>('more');
  private readonly morePanel = byId<HTMLElement>('more-controls');
  private readonly leaveButton = byId<HTMLButtonElement>('leave');
  private mic: MicView = {
    speaker: false,
    ready: false,
    opening: false,
    problem: null,
    muted: true,
    talking: false,
    devices: [],
    deviceId: '',
  };
  private handRaised = false;

  constructor(handlers: ControlHandlers) {
    this.muteButton.addEventListener('click', () => handlers.mute(!this.mic.muted));
    this.handButton.addEventListener('click', () => handlers.hand(!this.handRaised));
    this.micSelect.addEventListener('change', () => handlers.chooseMic(this.micSelect.value));
    this.muteAllButton.addEventListener('click', () => handlers.muteAll());
    this.leaveButton.addEventListener('click', () => handlers.leave());
    this.moreButton.addEventListener('click', () => this.openMore(this.moreButton.getAttribute('aria-expanded') !== 'true'));
    this.morePanel.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      this.openMore(false);
      this.moreButton.focus();
    });
    pushToTalk(this.pttButton, (held) => handlers.pushToTalk(held));
  }

  setMic(mic: MicView): void {
    this.mic = mic;
    const live = !mic.muted && !mic.talking;
    // Without a microphone the help (with its Retry) stands in for mute and push-to-talk.
    this.muteButton.hidden = !mic.speaker || mic.problem !== null;
    // Live, there is nothing to hold: push-to-talk comes back once muted.
    this.pttButton.hidden = !mic.speaker || mic.problem !== null || live;
    this.micField.hidden = !mic.speaker || mic.devices.length === 0;
    // Not open yet but not opening either: unmuting opens it (`microphone: 'on-unmute'`).
    this.muteButton.disabled = !mic.ready && mic.opening;
    // Never `disabled`: a disabled button would swallow the release of a hold.
    this.pttButton.setAttribute('aria-disabled', String(!mic.ready || (!mic.muted && !mic.talking)));
    this.muteButton.textContent = mic.muted ? 'Unmute' : 'Mute';
    this.muteButton.classList.toggle('live', !mic.muted);
    this.muteButton.setAttribute('aria-label', mic.muted ? 'Unmute your microphone' : 'Mute your microphone');
    this.pttButton.classList.toggle('live', mic.talking);
    this.pttButton.textContent = mic.talking ? 'Talking…' : 'Hold to talk';
    this.renderDevices(mic);
    this.renderMore();
  }

  /** Room actions wait while the connection is rebuilt. */
  setOnline(online: boolean): void {
    this.handButton.disabled = !online;
    this.muteAllButton.disabled = !online;
  }

  /** Shows what the viewer's role allows. */
  setRoom(state: RoomSnapshot): void {
    const me = state.you;
    this.handRaised = me?.handRaised ?? false;
    this.handButton.hidden = !me || me.isSpeaker || !state.settings?.speakerOnly;
    this.handButton.textContent = this.handRaised ? 'Lower hand' : 'Raise hand';
    this.handButton.setAttribute('aria-pressed', String(this.handRaised));
    this.muteAllButton.hidden = !me?.isFounder;
    this.renderMore();
  }

  /** **More** is offered only when it holds something (its panel shows inline on wide screens). */
  private renderMore(): void {
    const empty = this.micField.hidden && this.muteAllButton.hidden;
    this.moreButton.hidden = empty;
    if (empty) this.openMore(false);
  }

  private openMore(open: boolean): void {
    this.moreButton.setAttribute('aria-expanded', String(open));
    this.morePanel.dataset.open = String(open);
  }

  private renderDevices(mic: MicView): void {
    const same =
      this.micSelect.options.length === mic.devices.length &&
      mic.devices.every((d, i) => this.micSelect.options[i]?.value === d.deviceId);
    if (!same) {
      this.micSelect.replaceChildren(...mic.devices.map((d) => el('option', '', [d.label], { value: d.deviceId })));
    }
    if (mic.devices.some((d) => d.deviceId === mic.deviceId)) this.micSelect.value = mic.deviceId;
  }
}
