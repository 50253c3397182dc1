/** A made-up prediction market: the question, YES/NO prices, a price history, rules and activity; long enough to scroll. */

export const QUESTION = 'Will SOL close above $300 on Friday?';

const YES_CENTS = 62;

/** A deterministic price walk for the chart. */
const HISTORY = Array.from({ length: 48 }, (_, i) => Math.round(50 + 14 * Math.sin(i / 6) + i / 4));

const TRADERS = ['7xKX…gAsU', 'C9JE…yfxX', 'Fq3m…T2bB', '4Nd1…Vk8e', 'HfZk…9wQa', 'B8uW…m1Lc'];

const ACTIVITY = Array.from({ length: 30 }, (_, i) => ({
  id: i,
  trader: TRADERS[i % TRADERS.length]!,
  side: i % 3 === 0 ? 'NO' : 'YES',
  shares: 40 + ((i * 137) % 900),
  minutesAgo: 2 + i * 7,
}));

export function MarketPanel({ market }: { market: string }) {
  return (
    <article className="market" aria-labelledby="market-question">
      <p className="market-kicker">Crypto · Resolves Friday 23:59 UTC</p>
      <h1 id="market-question">{QUESTION}</h1>
      <p className="market-address">
        Market <code>{market}</code>
      </p>
      <div className="prices" role="group" aria-label="Prices">
        <button type="button" className="price" data-side="yes">
          Buy YES <strong>{YES_CENTS}¢</strong>
        </button>
        <button type="button" className="price" data-side="no">
          Buy NO <strong>{100 - YES_CENTS}¢</strong>
        </button>
      </div>
      <figure className="chart" aria-label={`YES price over the last two days, now ${YES_CENTS}¢`}>
        {HISTORY.map((cents, i) => (
          <span key={i} style={{ height: `${cents}%` }} />
        ))}
      </figure>
      <section aria-labelledby="rules">
        <h2 id="rules">Rules</h2>
        <p>
          This market resolves YES if the SOL/USD close on Friday, as reported by the reference index at 23:59 UTC, is strictly above
          $300.00. Otherwise it resolves NO. Trading closes one minute before resolution.
        </p>
        <p>
          Holders can talk about the market live in its voice room: the founder hosts, holders show their side and size, and anyone
          can listen. Raise your hand to be invited on stage.
        </p>
      </section>
      <section aria-labelledby="activity">
        <h2 id="activity">Activity</h2>
        <ol className="activity">
          {ACTIVITY.map((trade) => (
            <li key={trade.id}>
              <code>{trade.trader}</code> bought <span data-side={trade.side.toLowerCase()}>{trade.side}</span> ×{trade.shares}
              <span className="ago">{trade.minutesAgo} min ago</span>
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}
