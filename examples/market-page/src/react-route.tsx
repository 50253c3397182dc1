/** `#/react`: the market with `<VoiceRoom>` from `@pnl-voice/react` beside it: one component, nothing else to wire. */
import { VoiceRoom } from '@pnl-voice/react';
import type { PageConfig } from './config';
import { MarketPanel } from './market';
import { pageAuth } from './wallet';

export function ReactRoute({ config }: { config: PageConfig }) {
  return (
    <div className="layout">
      <MarketPanel market={config.market} />
      <aside className="voice-column" aria-label="Voice room">
        <VoiceRoom serverUrl={config.serverUrl} marketAddress={config.market} auth={pageAuth} className="market-voice" />
      </aside>
    </div>
  );
}
