/** How numbers, times and wallets look on screen. */

const amount = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

/** `12.5`, `3.4K`, `1.2M`. */
export function formatAmount(value: number): string {
  return amount.format(value);
}

/** Speaking time: `0:07 spoken`, `12:34 spoken`, `1:02:03 spoken`. */
export function formatSpoken(seconds: number): string {
  return `${formatDuration(seconds)} spoken`;
}

/** `0:07`, `12:34`, `1:02:03`. */
export function formatDuration(seconds: number): string {
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A stable hue (0–359) for a wallet's avatar. */
export function hueOf(address: string): number {
  let hash = 0;
  for (let i = 0; i < address.length; i++) hash = (hash * 31 + address.charCodeAt(i)) >>> 0;
  return hash % 360;
}
