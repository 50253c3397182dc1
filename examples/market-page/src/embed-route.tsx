/**
 * `#/embed`: the market with the voice server's docked mini-player
 * (`embed.js`, mode `docked`), which stays on screen while the page
 * scrolls. The player signs in with this page's wallet over its bridge;
 * the page drives it with commands and logs every event it reports.
 */
import { loadEmbed, type EmbedController, type FrameEvent } from '@pnl-voice/client/embed';
import { useEffect, useRef, useState } from 'react';
import type { PageConfig } from './config';
import { MarketPanel } from './market';

interface LoggedEvent {
  id: number;
  at: string;
  event: FrameEvent;
}

export function EmbedRoute({ config }: { config: PageConfig }) {
  const controller = useRef<EmbedController | null>(null);
  const [events, setEvents] = useState<LoggedEvent[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    let next = 0;
    const log = (event: FrameEvent) =>
      setEvents((list) => [...list, { id: next++, at: new Date().toISOString().slice(11, 19), event }]);
    loadEmbed(config.serverUrl).then(
      (api) => {
        if (!active) return;
        controller.current = api.embed({
          market: config.market,
          mode: 'docked',
          serverUrl: config.serverUrl,
          timeout: config.embedTimeoutMs,
          onEvent: log,
        });
      },
      (error: Error) => active && setProblem(error.message),
    );
    return () => {
      active = false;
      controller.current?.destroy();
      controller.current = null;
    };
  }, [config.serverUrl, config.market, config.embedTimeoutMs]);

  const command = (fn: (c: EmbedController) => void) => () => controller.current && fn(controller.current);

  return (
    <div className="layout">
      <MarketPanel market={config.market} />
      <aside className="voice-column" aria-label="Voice room events">
        <section className="card">
          <h2>Voice room</h2>
          <p>The room is docked at the bottom right and keeps playing while you scroll and trade.</p>
          {problem && <p role="alert">{problem}</p>}
          <div className="commands" role="group" aria-label="Commands to the voice room">
            <button type="button" data-command="join" onClick={command((c) => c.join())}>Join voice</button>
            <button type="button" data-command="raise-hand" onClick={command((c) => c.raiseHand())}>Raise hand</button>
            <button type="button" data-command="expand" onClick={command((c) => c.expand(true))}>Expand</button>
            <button type="button" data-command="collapse" onClick={command((c) => c.expand(false))}>Collapse</button>
            <button type="button" data-command="leave" onClick={command((c) => c.leave())}>Leave</button>
          </div>
          <h3 id="event-log-title">Events from the room</h3>
          <ol id="event-log" className="event-log" aria-labelledby="event-log-title">
            {events.map(({ id, at, event }) => {
              const { type, ...fields } = event;
              return (
                <li key={id} data-type={type}>
                  <time>{at}</time> <strong>{type}</strong> <code>{JSON.stringify(fields)}</code>
                </li>
              );
            })}
          </ol>
        </section>
      </aside>
    </div>
  );
}
