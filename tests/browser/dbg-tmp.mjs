import { launchBrowser, log, newMarket, newWallet, User, VoiceServer, sleep } from './harness.mjs';
const founder = newWallet(); const guest = newWallet(); const market = newMarket();
const server = await VoiceServer.start({ markets: [{ marketAddress: market, founderWallet: founder.address, holdings: {} }] });
const browser = await launchBrowser();
try {
const host = await User.open(browser, server, 'founder', founder);
const listener = await User.open(browser, server, 'listener', guest);
let n = 0; const vols = [];
listener.page.on('websocket', (ws) => ws.on('framereceived', (f) => { const t = String(f.payload); if (/audio_levels/.test(t)) { n++; vols.push(JSON.parse(t).data.levels.map(l=>l.volume).join('/')); } }));
await host.join(server, market);
await listener.join(server, market);
await host.unmute();
for (let i = 0; i < 5; i++) {
  const src = await host.page.evaluate(async () => { const out = []; for (const pc of window.__pcs) { if (pc.connectionState==='closed') continue; (await pc.getStats()).forEach(s => { if (s.type === 'media-source' && s.kind==='audio') out.push(s.audioLevel?.toFixed(3)); }); } return out.join(','); });
  log('src level', src, 'levels frames', n, vols.slice(-2).join(' '));
  await sleep(700);
}
if (n === 0) console.log(server.logTail(60));
} finally { await browser.close(); await server.stop(); }
