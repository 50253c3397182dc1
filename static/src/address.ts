/** Solana addresses: base58 text that decodes to exactly 32 bytes. */
import bs58 from 'bs58';

export function isAddress(text: string): boolean {
  return bs58.decodeUnsafe(text)?.length === 32;
}

/** `AbCd…wXyZ` for display. */
export function shortAddress(address: string): string {
  return address.length > 10 ? `${address.slice(0, 4)}…${address.slice(-4)}` : address;
}

/** The market named by the page URL: `/rooms/{marketAddress}` or `?market=`, else ''. */
export function marketFromLocation(location: Location): string {
  const match = /^\/rooms\/([^/]+)\/?$/.exec(location.pathname);
  if (match) return decodeURIComponent(match[1]);
  return new URLSearchParams(location.search).get('market')?.trim() ?? '';
}
