/**
 * Embeds a PNL Voice room in any page:
 *
 *   <script src="https://VOICE_HOST/dist/embed.js" data-market="MARKET_ADDRESS" async></script>
 *
 * inserts, where the script tag is, an iframe of `https://VOICE_HOST/rooms/MARKET_ADDRESS`
 * allowed to use the microphone and to autoplay. Optional attributes:
 * `data-height` (CSS length, default 560px) and `data-title`.
 */
(() => {
  const script = document.currentScript;
  if (!(script instanceof HTMLScriptElement)) return;
  const market = script.dataset.market?.trim() ?? '';
  if (!market) {
    console.error('PNL Voice embed: set data-market to the market address.');
    return;
  }
  const iframe = document.createElement('iframe');
  iframe.src = new URL(`/rooms/${encodeURIComponent(market)}`, script.src).href;
  iframe.allow = 'microphone; autoplay';
  iframe.title = script.dataset.title ?? 'Market voice room';
  iframe.loading = 'lazy';
  iframe.style.cssText = `display:block;width:100%;max-width:100%;border:0;border-radius:12px;height:${
    script.dataset.height ?? '560px'
  }`;
  script.after(iframe);
})();
