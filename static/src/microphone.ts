/**
 * The page's side of the microphone: the inputs to choose from (refreshed
 * when devices change or the page may first read their labels) and the
 * user's choice, remembered in this browser. The SDK captures the track.
 */
import { listMicrophones, type MicrophoneDevice } from '@pnl-voice/client';

const DEVICE_STORAGE = 'pnl-voice:microphone';

/** The input chosen before, '' for the browser's default. */
export function rememberedMicrophone(): string {
  try {
    return localStorage.getItem(DEVICE_STORAGE) ?? '';
  } catch {
    return '';
  }
}

export function rememberMicrophone(deviceId: string): void {
  try {
    localStorage.setItem(DEVICE_STORAGE, deviceId);
  } catch {
    // Storage disabled: the choice lasts for this page only.
  }
}

/** Calls `update` with the audio inputs now and whenever they change; `refresh` lists them again. */
export function watchMicrophones(update: (devices: MicrophoneDevice[]) => void): { refresh(): void } {
  const refresh = () => void listMicrophones().then(update, () => update([]));
  navigator.mediaDevices?.addEventListener('devicechange', refresh);
  return { refresh };
}
