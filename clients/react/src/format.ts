/** How wallets, amounts and room counts read on screen. */

const amount = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

/** `12.5`, `3.4K`, `1.2M`: a position size. */
export function formatAmount(value: number): string {
  return amount.format(value);
}

/** `C9JE…yfxX`: enough of a base58 address to tell wallets apart. */
export function shortAddress(address: string): string {
  return address.length > 10 ? `${address.slice(0, 4)}…${address.slice(-4)}` : address;
}

/** `LIVE · 2 speaking · 41 listening`, or `Not live` when nobody is in the room. */
export function liveLine(live: boolean, speakers: number, listeners: number): string {
  if (!live) return 'Not live';
  return `LIVE · ${speakers} speaking · ${listeners} listening`;
}

/** A stable hue (0–359) for a wallet's avatar, the same as the room page's. */
export function hueOf(address: string): number {
  let hash = 0;
  for (let i = 0; i < address.length; i++) hash = (hash * 31 + address.charCodeAt(i)) >>> 0;
  return hash % 360;
}
