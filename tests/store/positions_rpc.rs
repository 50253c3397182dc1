//! Position badges from Solana JSON-RPC: `SolanaRpcMarkets` asks a node for a
//! wallet's YES and NO token accounts (`getTokenAccountsByOwner`, `jsonParsed`),
//! turns them into a badge, caches it, and answers `NONE` whenever the node
//! fails.
//!
//! The one stand-in: Solana mainnet cannot be reached from here, so the node
//! is a local HTTP server on 127.0.0.1 that checks each request against the
//! documented call and answers with recorded responses of the documented shape
//! (`tests/fixtures/solana/`), re-addressed to the owner and mint asked about.
//! Everything else — the client, its timeout, the markets file, the cache — is
//! the real code.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::dev::ServerHandle;
use actix_web::{web, App, HttpResponse, HttpServer};
use pnl_voice::address::Address;
use pnl_voice::positions::{MarketSource, SolanaRpcMarkets, StaticMarkets};
use pnl_voice::rooms::{Position, Profile};
use serde_json::{json, Value};

/// One token account holding 420000000 (the documented example answer).
const ONE_ACCOUNT: &str = include_str!("../fixtures/solana/one_account.json");
/// Two token accounts of one mint, holding 250 and 1.5.
const TWO_ACCOUNTS: &str = include_str!("../fixtures/solana/two_accounts.json");
/// No token accounts.
const NO_ACCOUNTS: &str = include_str!("../fixtures/solana/no_accounts.json");
/// The JSON-RPC error a node gives for a mint it does not know.
const UNKNOWN_MINT: &str = include_str!("../fixtures/solana/unknown_mint_error.json");

const TIMEOUT: Duration = Duration::from_millis(300);
const TTL: Duration = Duration::from_secs(60);
/// Longer than any client timeout here, still bounded.
const SILENCE: Duration = Duration::from_secs(10);

fn address(n: u8) -> Address {
    Address::parse(&bs58::encode([n; 32]).into_string()).expect("32 bytes are an address")
}

fn market() -> Address {
    address(1)
}

fn founder() -> Address {
    address(2)
}

fn yes_mint() -> Address {
    address(3)
}

fn no_mint() -> Address {
    address(4)
}

fn wallet() -> Address {
    address(5)
}

/// The markets file: one market, its founder and its two mints.
fn markets() -> StaticMarkets {
    let file = json!({"markets": [{
        "marketAddress": market(),
        "founderWallet": founder(),
        "yesMint": yes_mint(),
        "noMint": no_mint(),
        "holdings": {},
    }]});
    StaticMarkets::parse(&file.to_string()).expect("markets file parses")
}

fn badge(position: Position, position_size: f64) -> Profile {
    Profile {
        position,
        position_size,
    }
}

/// What the stand-in node does with one (owner, mint) lookup.
#[derive(Clone, Copy)]
enum Reply {
    /// Answers with a recorded JSON-RPC response.
    Recorded(&'static str),
    /// Answers HTTP 500.
    ServerError,
    /// Keeps the request open for [`SILENCE`].
    Silence,
}

/// The stand-in node's table and what it saw.
struct Node {
    replies: HashMap<(String, String), Reply>,
    /// Requests that matched the table.
    requests: AtomicUsize,
    /// Requests that did not: why each was refused.
    strays: Mutex<Vec<String>>,
}

/// A local JSON-RPC server answering `getTokenAccountsByOwner` from a table.
struct RpcNode {
    url: String,
    node: Arc<Node>,
    server: ServerHandle,
}

impl RpcNode {
    fn start(table: impl IntoIterator<Item = ((Address, Address), Reply)>) -> Self {
        let node = Arc::new(Node {
            replies: table
                .into_iter()
                .map(|((owner, mint), reply)| ((owner.to_string(), mint.to_string()), reply))
                .collect(),
            requests: AtomicUsize::new(0),
            strays: Mutex::new(Vec::new()),
        });
        let (started, bound) = mpsc::channel::<(SocketAddr, ServerHandle)>();
        let data = web::Data::from(node.clone());
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(data.clone())
                        .route("/", web::post().to(answer))
                })
                .workers(1)
                .bind(("127.0.0.1", 0))
                .expect("binds 127.0.0.1:0");
                let addr = server.addrs()[0];
                let server = server.run();
                started.send((addr, server.handle())).expect("test waits");
                server.await
            })
        });
        let (addr, server) = bound
            .recv_timeout(Duration::from_secs(10))
            .expect("stand-in node starts");
        Self {
            url: format!("http://{addr}/"),
            node,
            server,
        }
    }

    /// A node where `wallet()`'s YES lookup gets `yes` and its NO lookup `no`.
    fn holding(yes: Reply, no: Reply) -> Self {
        Self::start([((wallet(), yes_mint()), yes), ((wallet(), no_mint()), no)])
    }

    /// A source over this node.
    fn source(&self, timeout: Duration, ttl: Duration) -> SolanaRpcMarkets {
        SolanaRpcMarkets::new(self.url.clone(), markets(), timeout, ttl)
    }

    /// Lookups made so far; fails the test if any request broke the contract.
    fn requests(&self) -> usize {
        let strays = self.node.strays.lock().unwrap();
        assert!(
            strays.is_empty(),
            "requests outside the contract: {strays:?}"
        );
        self.node.requests.load(Ordering::SeqCst)
    }
}

impl Drop for RpcNode {
    fn drop(&mut self) {
        // `stop` sends the command at once; its future only reports completion.
        drop(self.server.stop(false));
    }
}

/// Answers one lookup from the table; a request off the contract is refused
/// and kept for [`RpcNode::requests`] to report.
async fn answer(node: web::Data<Node>, body: web::Bytes) -> HttpResponse {
    let request: Value = serde_json::from_slice(&body).unwrap_or_default();
    let reply = asked(&request).and_then(|key| Some((node.replies.get(&key).copied()?, key)));
    let Some((reply, (owner, mint))) = reply else {
        node.strays
            .lock()
            .unwrap()
            .push(String::from_utf8_lossy(&body).into_owned());
        return HttpResponse::BadRequest().finish();
    };
    node.requests.fetch_add(1, Ordering::SeqCst);
    match reply {
        Reply::Recorded(text) => {
            HttpResponse::Ok().json(recorded(text, &request["id"], &owner, &mint))
        }
        Reply::ServerError => HttpResponse::InternalServerError().body("upstream unavailable"),
        Reply::Silence => {
            actix_web::rt::time::sleep(SILENCE).await;
            HttpResponse::Ok().finish()
        }
    }
}

/// The (owner, mint) of a `getTokenAccountsByOwner` call made as documented:
/// owner, a mint filter, and the `jsonParsed` encoding.
fn asked(request: &Value) -> Option<(String, String)> {
    let params = request["params"].as_array()?;
    let [owner, filter, config] = params.as_slice() else {
        return None;
    };
    let documented = request["jsonrpc"] == "2.0"
        && request["method"] == "getTokenAccountsByOwner"
        && filter.as_object()?.len() == 1
        && config["encoding"] == "jsonParsed";
    documented.then_some((
        owner.as_str()?.to_owned(),
        filter["mint"].as_str()?.to_owned(),
    ))
}

/// A recorded answer as a node would give it to this request: its accounts
/// belong to `owner` and `mint`, and it echoes the request's `id`.
fn recorded(text: &str, id: &Value, owner: &str, mint: &str) -> Value {
    let mut answer: Value = serde_json::from_str(text).expect("fixture is JSON");
    answer["id"] = id.clone();
    if let Some(accounts) = answer["result"]["value"].as_array_mut() {
        for account in accounts {
            let info = &mut account["account"]["data"]["parsed"]["info"];
            info["owner"] = owner.into();
            info["mint"] = mint.into();
        }
    }
    answer
}

#[tokio::test]
async fn a_yes_holder_gets_a_yes_badge_sized_by_the_ui_amount() {
    let node = RpcNode::holding(Reply::Recorded(ONE_ACCOUNT), Reply::Recorded(NO_ACCOUNTS));
    let source = node.source(TIMEOUT, TTL);

    let profile = source.profile(&market(), &wallet()).await;

    assert_eq!(profile, badge(Position::Yes, 420_000_000.0));
    assert_eq!(node.requests(), 2, "one lookup per mint");
}

#[tokio::test]
async fn more_no_than_yes_gets_a_no_badge() {
    let node = RpcNode::holding(Reply::Recorded(TWO_ACCOUNTS), Reply::Recorded(ONE_ACCOUNT));
    let source = node.source(TIMEOUT, TTL);

    let profile = source.profile(&market(), &wallet()).await;

    assert_eq!(profile, badge(Position::No, 420_000_000.0));
}

#[tokio::test]
async fn token_accounts_of_one_mint_are_summed() {
    let node = RpcNode::holding(Reply::Recorded(TWO_ACCOUNTS), Reply::Recorded(NO_ACCOUNTS));
    let source = node.source(TIMEOUT, TTL);

    let profile = source.profile(&market(), &wallet()).await;

    assert_eq!(profile, badge(Position::Yes, 251.5));
}

#[tokio::test]
async fn a_wallet_without_token_accounts_has_no_badge() {
    let node = RpcNode::holding(Reply::Recorded(NO_ACCOUNTS), Reply::Recorded(NO_ACCOUNTS));
    let source = node.source(TIMEOUT, TTL);

    let profile = source.profile(&market(), &wallet()).await;

    assert_eq!(profile, badge(Position::None, 0.0));
    assert_eq!(node.requests(), 2);
}

#[tokio::test]
async fn a_market_missing_from_the_markets_file_has_no_badge_and_asks_nothing() {
    let node = RpcNode::holding(Reply::Recorded(ONE_ACCOUNT), Reply::Recorded(NO_ACCOUNTS));
    let source = node.source(TIMEOUT, TTL);

    let profile = source.profile(&address(9), &wallet()).await;

    assert_eq!(profile, Profile::none());
    assert_eq!(node.requests(), 0);
}

#[tokio::test]
async fn founders_come_from_the_markets_file_without_asking_the_node() {
    let node = RpcNode::start([]);
    let source = node.source(TIMEOUT, TTL);

    assert_eq!(source.founder(&market()).await, Some(founder()));
    assert_eq!(source.founder(&address(9)).await, None);
    assert_eq!(node.requests(), 0);
}

#[tokio::test]
async fn a_json_rpc_error_gives_no_badge() {
    let node = RpcNode::holding(Reply::Recorded(UNKNOWN_MINT), Reply::Recorded(ONE_ACCOUNT));
    let source = node.source(TIMEOUT, TTL);

    let profile = source.profile(&market(), &wallet()).await;

    assert_eq!(profile, Profile::none());
    assert_eq!(node.requests(), 2, "both mints are asked at once");
}

#[tokio::test]
async fn a_json_rpc_error_is_reported_by_balance_with_its_code_and_message() {
    let node = RpcNode::holding(Reply::Recorded(UNKNOWN_MINT), Reply::Recorded(TWO_ACCOUNTS));
    let source = node.source(TIMEOUT, TTL);

    let error = source
        .balance(&wallet(), &yes_mint())
        .await
        .expect_err("the node refused");
    let held = source.balance(&wallet(), &no_mint()).await;

    assert_eq!(
        error.to_string(),
        "rpc error -32602: Error getting token program id and mint: \
         Invalid param: could not find mint"
    );
    assert_eq!(held.expect("the node answered"), 251.5);
}

#[tokio::test]
async fn an_http_500_gives_no_badge() {
    let node = RpcNode::holding(Reply::ServerError, Reply::Recorded(ONE_ACCOUNT));
    let source = node.source(TIMEOUT, TTL);

    let profile = source.profile(&market(), &wallet()).await;

    assert_eq!(profile, Profile::none());
    assert_eq!(node.requests(), 2);
}

#[tokio::test]
async fn a_node_that_never_answers_gives_no_badge_within_the_timeout() {
    let node = RpcNode::holding(Reply::Silence, Reply::Recorded(ONE_ACCOUNT));
    let source = node.source(TIMEOUT, TTL);

    let started = Instant::now();
    let profile = source.profile(&market(), &wallet()).await;

    assert_eq!(profile, Profile::none());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "gave up after {:?} with a {TIMEOUT:?} timeout",
        started.elapsed()
    );
    assert_eq!(
        node.requests(),
        2,
        "both mints are asked at once, each bounded by the timeout"
    );
}

#[tokio::test]
async fn a_badge_is_cached_for_the_ttl() {
    let node = RpcNode::holding(Reply::Recorded(ONE_ACCOUNT), Reply::Recorded(NO_ACCOUNTS));
    let source = node.source(TIMEOUT, TTL);

    let first = source.profile(&market(), &wallet()).await;
    let second = source.profile(&market(), &wallet()).await;

    assert_eq!(first, badge(Position::Yes, 420_000_000.0));
    assert_eq!(second, first);
    assert_eq!(node.requests(), 2, "only the first call asks the node");
}

#[tokio::test]
async fn a_badge_is_looked_up_again_after_the_ttl() {
    let ttl = Duration::from_millis(200);
    let node = RpcNode::holding(Reply::Recorded(ONE_ACCOUNT), Reply::Recorded(NO_ACCOUNTS));
    let source = node.source(TIMEOUT, ttl);

    source.profile(&market(), &wallet()).await;
    tokio::time::sleep(ttl * 2).await;
    let again = source.profile(&market(), &wallet()).await;

    assert_eq!(again, badge(Position::Yes, 420_000_000.0));
    assert_eq!(node.requests(), 4);
}

#[tokio::test]
async fn a_failure_is_remembered_briefly() {
    let node = RpcNode::holding(Reply::ServerError, Reply::Recorded(NO_ACCOUNTS));
    let source = node.source(TIMEOUT, TTL);

    let first = source.profile(&market(), &wallet()).await;
    let right_after = source.profile(&market(), &wallet()).await;

    assert_eq!(first, Profile::none());
    assert_eq!(right_after, Profile::none());
    assert_eq!(node.requests(), 2, "the broken node is not asked again");
}
