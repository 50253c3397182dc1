/** The sample market page: three routes in the hash, each showing the same market with the voice room wired in a different way. */
import { injectedWallet } from '@pnl-voice/client';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { readConfig, type PageConfig } from './config';
import { EmbedRoute } from './embed-route';
import { HookRoute } from './hook-route';
import { ReactRoute } from './react-route';

const ROUTES = [
  { hash: '#/react', label: '<VoiceRoom> component' },
  { hash: '#/hook', label: 'useVoiceRoom hook' },
  { hash: '#/embed', label: 'embed.js mini-player' },
] as const;

type RouteHash = (typeof ROUTES)[number]['hash'];

function currentRoute(): RouteHash {
  return ROUTES.find((r) => r.hash === location.hash)?.hash ?? '#/react';
}

function Page({ config }: { config: PageConfig }) {
  const [route, setRoute] = useState<RouteHash>(currentRoute);
  useEffect(() => {
    const follow = () => setRoute(currentRoute());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return (
    <>
      <header className="site-header">
        <p className="site-name">Sample Markets</p>
        <nav aria-label="Examples">
          {ROUTES.map((r) => (
            <a key={r.hash} href={`${location.search}${r.hash}`} aria-current={route === r.hash ? 'page' : undefined}>
              {r.label}
            </a>
          ))}
        </nav>
        <p className="wallet-note">{injectedWallet() ? 'Wallet: browser wallet' : 'Wallet: guest key (no wallet extension)'}</p>
      </header>
      <main id="page" data-route={route.slice(2)}>
        {route === '#/embed' ? (
          <EmbedRoute config={config} />
        ) : route === '#/hook' ? (
          <HookRoute config={config} />
        ) : (
          <ReactRoute config={config} />
        )}
      </main>
    </>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <Page config={readConfig(location.search)} />
  </StrictMode>,
);
