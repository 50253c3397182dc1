//! `docs/openapi.json` against the real server: it is what
//! `GET /api/openapi.json` serves, it lists exactly the routes the server
//! registers, and every documented operation, called for real (with a
//! token where it needs one), answers a documented status with a body its
//! documented schema accepts (OpenAPI 3.1 schemas are JSON Schema 2020-12).

use std::collections::BTreeSet;
use std::time::Duration;

use pnl_voice_testkit::flows::T;
use pnl_voice_testkit::node::{random_address, TestNode};
use pnl_voice_testkit::server_api::create_key;
use pnl_voice_testkit::wallet::TestWallet;
use reqwest::Method;
use serde_json::{json, Value};

/// The document as committed.
const DOCUMENT: &str = include_str!("../../docs/openapi.json");
/// Where the server registers its routes.
const ROUTES: &str = include_str!("../../src/http/mod.rs");
/// Routes of the web client's own files (its page, per room, and style
/// sheet): not part of the API.
const WEB_CLIENT_FILES: [&str; 4] = ["/", "/rooms/{market}", "/rooms/{market}/", "/style.css"];
/// An origin the test node lets embed its rooms.
const MARKET_SITE: &str = "https://markets.example";

/// `(method, path)` of every route `src/http/mod.rs` registers: the
/// `.route("path", web::method()…)` calls, those inside a `web::scope`
/// with its prefix. `get_or_head()` routes count as GET.
fn registered_routes() -> BTreeSet<(String, String)> {
    let scopes: Vec<(usize, usize, &str)> = ROUTES
        .match_indices("web::scope(\"")
        .map(|(at, opening)| {
            let prefix = ROUTES[at + opening.len()..].split('"').next().unwrap();
            (at, closing_paren(ROUTES, at), prefix)
        })
        .collect();
    assert!(
        scopes.iter().any(|(_, _, prefix)| *prefix == "/api"),
        "mod.rs has the /api scope"
    );
    let mut routes = BTreeSet::new();
    for (at, _) in ROUTES.match_indices(".route(") {
        let rest = &ROUTES[at + ".route(".len()..];
        let path = rest.split('"').nth(1).expect("a route's path is a literal");
        let after_path = rest.splitn(3, '"').nth(2).unwrap();
        let handler = after_path.trim_start_matches([',', ' ', '\n', '\r', '\t']);
        let method = if handler.starts_with("get_or_head()") {
            "get".to_string()
        } else {
            let name = handler
                .strip_prefix("web::")
                .and_then(|h| h.split("()").next())
                .unwrap_or_else(|| panic!("unknown route method for {path}: {handler:.40}"));
            name.to_string()
        };
        let prefix = scopes
            .iter()
            .find(|(start, end, _)| at > *start && at < *end)
            .map_or("", |(_, _, prefix)| prefix);
        routes.insert((method, format!("{prefix}{path}")));
    }
    routes
}

/// The index of the `)` closing the call that encloses `from` (the
/// `.service(` around the scope).
fn closing_paren(text: &str, from: usize) -> usize {
    let open = text[..from]
        .rfind(".service(")
        .expect("the scope is a service")
        + ".service".len();
    let mut depth = 0;
    let mut in_string = false;
    for (i, c) in text[open..].char_indices() {
        match c {
            '"' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return open + i;
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced parentheses in mod.rs")
}

/// `(method, path)` of every operation the document lists.
fn documented_operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut operations = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            operations.insert((method.clone(), path.clone()));
        }
    }
    operations
}

/// `/` in a JSON pointer token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The document, and the operations checked with a success so far.
struct Spec {
    doc: Value,
    succeeded: BTreeSet<(String, String)>,
}

impl Spec {
    fn new() -> Self {
        Self {
            doc: serde_json::from_str(DOCUMENT).expect("docs/openapi.json is JSON"),
            succeeded: BTreeSet::new(),
        }
    }

    /// Asserts that `status` is a documented response of the operation
    /// and that `body` is what its schema says (`None`: no JSON body).
    fn check(&mut self, method: &str, path: &str, status: u16, body: Option<&Value>) {
        let operation = &self.doc["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is not documented");
        let status_text = status.to_string();
        let response = &operation["responses"][&status_text];
        assert!(
            response.is_object(),
            "{method} {path} answered {status}, which is not documented: {body:?}"
        );
        let response_pointer = match response["$ref"].as_str() {
            Some(target) => target.to_string(),
            None => format!("#/paths/{}/{method}/responses/{status_text}", escape(path)),
        };
        let response = self.resolve(&response_pointer);
        match (response["content"]["application/json"].is_object(), body) {
            (true, Some(body)) => {
                let schema = format!("{response_pointer}/content/application~1json/schema");
                self.validate(&schema, body, &format!("{method} {path} {status}"));
            }
            (true, None) => panic!("{method} {path} {status}: a JSON body is documented"),
            (false, Some(body)) => {
                panic!("{method} {path} {status}: no JSON body is documented, got {body}")
            }
            (false, None) => {}
        }
        if (200..300).contains(&status) || status == 101 {
            self.succeeded
                .insert((method.to_string(), path.to_string()));
        }
    }

    /// The value at a `#/…` pointer of the document.
    fn resolve(&self, pointer: &str) -> &Value {
        self.doc
            .pointer(pointer.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{pointer} is not in the document"))
    }

    /// What the schema at `pointer` finds wrong with `instance` (formats
    /// checked too). The schema is the whole document with a root `$ref`
    /// to it, so every `$ref` resolves in the document itself.
    fn errors(&self, pointer: &str, instance: &Value) -> Vec<String> {
        self.resolve(pointer);
        let mut root = self.doc.clone();
        // As a URI fragment, the braces of a path parameter are escaped.
        root["$ref"] = json!(pointer.replace('{', "%7B").replace('}', "%7D"));
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("the schema at {pointer} does not compile: {e}"));
        validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    /// Asserts that `instance` matches the schema at `pointer`.
    fn validate(&self, pointer: &str, instance: &Value, what: &str) {
        let errors = self.errors(pointer, instance);
        assert!(
            errors.is_empty(),
            "{what}: the body does not match the documented schema:\n{}\nbody: {instance:#}",
            errors.join("\n")
        );
    }
}

/// A client of one node that checks every answer against the document.
struct Client {
    base: String,
    http: reqwest::Client,
    spec: Spec,
}

impl Client {
    /// Calls `method path?query` (path as documented) and checks the answer;
    /// returns its status and JSON body (`Null` when it has none).
    async fn call(
        &mut self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.call_at(method, path, path, query, token, body).await
    }

    /// As [`Client::call`], at `url_path`: the documented `path` with its
    /// parameters filled in.
    async fn call_at(
        &mut self,
        method: Method,
        path: &str,
        url_path: &str,
        query: &[(&str, &str)],
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{url_path}", self.base))
            .query(query)
            .timeout(T);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let json_type = response
            .headers()
            .get("content-type")
            .and_then(|t| t.to_str().ok())
            .is_some_and(|t| t.starts_with("application/json"));
        let text = response.text().await.unwrap();
        let body = json_type.then(|| {
            serde_json::from_str::<Value>(&text).unwrap_or_else(|e| {
                panic!("{method} {path}: JSON that does not parse ({e}): {text}")
            })
        });
        let method = method.as_str().to_lowercase();
        self.spec.check(&method, path, status, body.as_ref());
        (status, body.unwrap_or(Value::Null))
    }

    async fn get(
        &mut self,
        path: &str,
        query: &[(&str, &str)],
        token: Option<&str>,
    ) -> (u16, Value) {
        self.call(Method::GET, path, query, token, None).await
    }

    async fn post(&mut self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, &[], token, Some(body)).await
    }
}

/// Asserts that `status` is a documented answer of `method path` and
/// that `body` is what the document says (for the other suites' calls).
pub fn conforms(method: &str, path: &str, status: u16, body: &Value) {
    Spec::new().check(method, path, status, Some(body));
}

/// The refusal's `(status, code)`.
fn refusal((status, body): (u16, Value)) -> (u16, String) {
    assert_eq!(body["success"], false, "{body}");
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

fn refused(status: u16, code: &str) -> (u16, String) {
    (status, code.to_string())
}

/// Polls `GET path` until it answers 200 (bounded); returns the last answer.
async fn until_ok(
    client: &mut Client,
    path: &str,
    query: &[(&str, &str)],
    token: Option<&str>,
) -> (u16, Value) {
    let deadline = tokio::time::Instant::now() + T;
    loop {
        let answer = client.get(path, query, token).await;
        if answer.0 == 200 || tokio::time::Instant::now() >= deadline {
            return answer;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[test]
fn the_document_lists_exactly_the_registered_routes() {
    let doc: Value = serde_json::from_str(DOCUMENT).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    let registered: BTreeSet<_> = registered_routes()
        .into_iter()
        .filter(|(_, path)| !WEB_CLIENT_FILES.contains(&path.as_str()))
        .collect();
    assert!(
        registered.contains(&("get".into(), "/api/voice/preview".into())),
        "the route parser finds the API's routes: {registered:?}"
    );
    assert_eq!(registered, documented_operations(&doc));
}

#[test]
fn every_schema_reference_resolves() {
    let doc: Value = serde_json::from_str(DOCUMENT).unwrap();
    fn refs(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    found.push(target.clone());
                }
                map.values().for_each(|v| refs(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for target in found {
        assert!(
            doc.pointer(target.trim_start_matches('#')).is_some(),
            "{target} does not resolve"
        );
    }
}

#[test]
fn every_example_matches_its_schema() {
    let spec = Spec::new();
    let mut checked = 0;
    for (path, item) in spec.doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let base = format!("#/paths/{}/{method}", escape(path));
            let mut media = vec![format!("{base}/requestBody/content/application~1json")];
            for (status, response) in operation["responses"].as_object().unwrap() {
                let at = match response["$ref"].as_str() {
                    Some(target) => target.to_string(),
                    None => format!("{base}/responses/{status}"),
                };
                media.push(format!("{at}/content/application~1json"));
            }
            for at in media {
                let Some(example) = spec.doc.pointer(&format!("{}/example", &at[1..])) else {
                    continue;
                };
                let errors = spec.errors(&format!("{at}/schema"), example);
                assert!(errors.is_empty(), "{at}: {errors:?}");
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} examples");
}

#[test]
fn the_schemas_refuse_what_the_api_does_not_send() {
    let spec = Spec::new();
    let preview = "#/components/schemas/Preview";
    let good = json!({
        "marketAddress": random_address(), "title": null, "live": true, "speakers": 1,
        "listeners": 0, "host": {"walletAddress": random_address()},
        "startedAt": "2026-06-01T12:00:00.000Z",
    });
    assert_eq!(spec.errors(preview, &good), Vec::<String>::new());
    let mut wrong = Vec::new();
    for (field, value) in [
        ("marketAddress", json!("0OIl")),
        ("live", json!("yes")),
        ("speakers", json!(-1)),
        ("host", json!({"wallet": random_address()})),
        ("startedAt", json!("yesterday")),
        ("extra", json!(1)),
    ] {
        let mut body = good.clone();
        body[field] = value;
        wrong.push(body);
    }
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("title");
    wrong.push(missing);
    for body in wrong {
        assert!(!spec.errors(preview, &body).is_empty(), "accepted {body}");
    }
    let unknown_code = json!({"success": false, "error": {"code": "NOPE", "message": "x"}});
    assert!(!spec
        .errors("#/components/schemas/ErrorEnvelope", &unknown_code)
        .is_empty());
    let not_found_as_400 =
        json!({"success": false, "error": {"code": "NOT_FOUND", "message": "x"}});
    assert!(!spec
        .errors(
            "#/components/responses/BadRequest/content/application~1json/schema",
            &not_found_as_400
        )
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_answers_as_documented() {
    let founder = TestWallet::new();
    let guest = TestWallet::new();
    let market = random_address();
    let markets = vec![json!({
        "marketAddress": market,
        "title": "Will it rain in Lisbon tomorrow?",
        "founderWallet": founder.address(),
        "holdings": { guest.address(): {"yes": 12.5} },
    })];
    let data_dir =
        std::env::temp_dir().join(format!("pnl-voice-openapi-{}", rand::random::<u64>()));
    let dir = data_dir.clone();
    let node = TestNode::start(markets, move |c| {
        c.allowed_origins = vec![MARKET_SITE.to_string()];
        c.data_dir = dir;
    });
    let mut api = Client {
        base: node.http(),
        http: reqwest::Client::new(),
        spec: Spec::new(),
    };
    let (f, g, m) = (founder.address(), guest.address(), market.clone());

    // The document itself, served as committed.
    let response = reqwest::get(format!("{}/api/openapi.json", node.http()))
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    assert_eq!(response.text().await.unwrap(), DOCUMENT);
    let (status, served) = api.get("/api/openapi.json", &[], None).await;
    assert_eq!((status, served), (200, api.spec.doc.clone()));

    // Sign-in, with its refusals.
    assert_eq!(
        refusal(
            api.post(
                "/api/auth/challenge",
                None,
                json!({"walletAddress": "nope"})
            )
            .await
        ),
        refused(400, "INVALID_ADDRESS")
    );
    assert_eq!(
        refusal(api.post("/api/auth/challenge", None, json!({})).await),
        refused(400, "BAD_REQUEST")
    );
    let (status, challenge) = api
        .post("/api/auth/challenge", None, json!({"walletAddress": f}))
        .await;
    assert_eq!(status, 200);
    let challenge = &challenge["data"];
    let forged = json!({"walletAddress": f, "nonce": challenge["nonce"], "signature": guest.sign_base58("x")});
    assert_eq!(
        refusal(api.post("/api/auth/verify", None, forged).await),
        refused(401, "UNAUTHORIZED")
    );
    let (status, challenge) = api
        .post("/api/auth/challenge", None, json!({"walletAddress": f}))
        .await;
    assert_eq!(status, 200);
    let challenge = &challenge["data"];
    let signature = founder.sign_base58(challenge["message"].as_str().unwrap());
    let (status, verified) = api
        .post(
            "/api/auth/verify",
            None,
            json!({"walletAddress": f, "nonce": challenge["nonce"], "signature": signature}),
        )
        .await;
    assert_eq!(status, 200);
    let founder_token = verified["data"]["token"].as_str().unwrap().to_string();
    let guest_token = guest.login(&node.http()).await.unwrap();
    let (ft, gt) = (Some(founder_token.as_str()), Some(guest_token.as_str()));

    // Before anyone is in the room.
    let (status, preview) = api
        .get("/api/voice/preview", &[("marketAddress", m.as_str())], None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(preview["data"]["live"], false);
    assert_eq!(
        refusal(
            api.get("/api/voice/preview", &[("marketAddress", "nope")], None)
                .await
        ),
        refused(400, "INVALID_ADDRESS")
    );
    assert_eq!(
        refusal(api.get("/api/voice/participants", &[], None).await),
        refused(400, "BAD_REQUEST")
    );

    // Joining: REST reserves, the socket takes the place.
    let join = json!({"marketAddress": m, "walletAddress": f});
    assert_eq!(
        refusal(api.post("/api/voice/join", None, join.clone()).await),
        refused(401, "UNAUTHORIZED")
    );
    assert_eq!(
        refusal(api.post("/api/voice/join", gt, join.clone()).await),
        refused(403, "FORBIDDEN")
    );
    let (status, _) = api.post("/api/voice/join", ft, join).await;
    assert_eq!(status, 200);
    let mut founder_socket = node.connect(&founder).await;
    founder_socket
        .request("voice:join", json!({"marketAddress": m}))
        .await
        .unwrap();
    let mut guest_socket = node.connect(&guest).await;
    guest_socket
        .request("voice:join", json!({"marketAddress": m}))
        .await
        .unwrap();

    let (status, list) = api
        .get(
            "/api/voice/participants",
            &[("marketAddress", m.as_str())],
            None,
        )
        .await;
    assert_eq!((status, list["data"]["total"].clone()), (200, json!(2)));
    let (status, preview) = api
        .get("/api/voice/preview", &[("marketAddress", m.as_str())], None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            &preview["data"]["live"],
            &preview["data"]["speakers"],
            &preview["data"]["listeners"]
        ),
        (&json!(true), &json!(1), &json!(1))
    );
    let (status, rooms) = api.get("/api/voice/rooms", &[], None).await;
    assert_eq!(
        (status, rooms["data"]["rooms"][0]["roomId"].clone()),
        (200, json!(m))
    );

    // Room actions and their refusals.
    let (status, _) = api
        .post(
            "/api/voice/mute",
            ft,
            json!({"marketAddress": m, "walletAddress": f, "muted": true}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        refusal(
            api.post(
                "/api/voice/mute",
                gt,
                json!({"marketAddress": random_address(), "walletAddress": g, "muted": true})
            )
            .await
        ),
        refused(404, "NOT_IN_ROOM")
    );
    let grant = json!({"marketAddress": m, "founderWallet": g, "action": "grant_speaker", "targetWallet": f});
    assert_eq!(
        refusal(api.post("/api/voice/moderate", gt, grant).await),
        refused(403, "FORBIDDEN")
    );
    let no_target = json!({"marketAddress": m, "founderWallet": f, "action": "kick"});
    assert_eq!(
        refusal(api.post("/api/voice/moderate", ft, no_target).await),
        refused(400, "BAD_REQUEST")
    );
    let grant = json!({"marketAddress": m, "founderWallet": f, "action": "grant_speaker", "targetWallet": g});
    let (status, _) = api.post("/api/voice/moderate", ft, grant).await;
    assert_eq!(status, 200);
    let too_small =
        json!({"marketAddress": m, "founderWallet": f, "settings": {"maxParticipants": 0}});
    assert_eq!(
        refusal(api.post("/api/voice/settings", ft, too_small).await),
        refused(400, "BAD_REQUEST")
    );
    let (status, settings) = api
        .post(
            "/api/voice/settings",
            ft,
            json!({"marketAddress": m, "founderWallet": f, "settings": {"maxParticipants": 50}}),
        )
        .await;
    assert_eq!(
        (
            status,
            settings["data"]["settings"]["maxParticipants"].clone()
        ),
        (200, json!(50))
    );
    let debate = |action: &str| json!({"marketAddress": m, "action": action});
    assert_eq!(
        refusal(api.post("/api/voice/debate", gt, debate("start")).await),
        refused(403, "FORBIDDEN")
    );
    let too_short = json!({"marketAddress": m, "action": "start", "turnSeconds": 1});
    assert_eq!(
        refusal(api.post("/api/voice/debate", ft, too_short).await),
        refused(400, "BAD_REQUEST")
    );
    assert_eq!(
        refusal(api.post("/api/voice/debate", ft, debate("next")).await),
        refused(409, "CONFLICT")
    );
    for action in ["start", "end", "close_poll"] {
        let (status, _) = api.post("/api/voice/debate", ft, debate(action)).await;
        assert_eq!(status, 200, "{action}");
    }
    let (status, _) = api
        .post(
            "/api/voice/report",
            gt,
            json!({"marketAddress": m, "targetWallet": f, "reason": "spam"}),
        )
        .await;
    assert_eq!(status, 200);

    // Records.
    let other_market = random_address();
    let deadline = tokio::time::Instant::now() + T;
    loop {
        let (status, stats) = until_ok(
            &mut api,
            "/api/voice/stats",
            &[("marketAddress", m.as_str())],
            None,
        )
        .await;
        assert_eq!(status, 200);
        if stats["data"]["debates"]
            .as_array()
            .is_some_and(|d| d.len() == 1)
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the debate is recorded"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        refusal(
            api.get(
                "/api/voice/stats",
                &[("marketAddress", other_market.as_str())],
                None
            )
            .await
        ),
        refused(404, "NOT_FOUND")
    );
    assert_eq!(
        refusal(
            api.get(
                "/api/voice/stats",
                &[("marketAddress", m.as_str()), ("extra", "1")],
                None
            )
            .await
        ),
        refused(400, "BAD_REQUEST")
    );
    let (status, _) = api
        .get("/api/voice/history", &[("walletAddress", g.as_str())], gt)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        refusal(
            api.get("/api/voice/history", &[("walletAddress", f.as_str())], gt)
                .await
        ),
        refused(403, "FORBIDDEN")
    );
    assert_eq!(
        refusal(
            api.get(
                "/api/voice/history",
                &[("walletAddress", g.as_str()), ("limit", "0")],
                gt
            )
            .await
        ),
        refused(400, "BAD_REQUEST")
    );
    assert_eq!(
        refusal(
            api.get("/api/voice/history", &[("walletAddress", g.as_str())], None)
                .await
        ),
        refused(401, "UNAUTHORIZED")
    );
    let (status, export) = api.get("/api/voice/me/data", &[], gt).await;
    assert_eq!(
        (status, export["data"]["walletAddress"].clone()),
        (200, json!(g))
    );
    assert_eq!(
        refusal(api.get("/api/voice/me/data", &[], None).await),
        refused(401, "UNAUTHORIZED")
    );

    // Leaving ends the socket session; a second leave is refused.
    let leave = json!({"marketAddress": m, "walletAddress": g});
    let (status, _) = api.post("/api/voice/leave", gt, leave.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(
        refusal(api.post("/api/voice/leave", gt, leave).await),
        refused(404, "NOT_IN_ROOM")
    );
    let (status, erased) = api
        .call(Method::DELETE, "/api/voice/me/data", &[], gt, None)
        .await;
    assert_eq!(status, 200, "{erased}");
    assert_eq!(
        refusal(
            api.call(Method::DELETE, "/api/voice/me/data", &[], None, None)
                .await
        ),
        refused(401, "UNAUTHORIZED")
    );

    // Embedding, ops.
    let (status, config) = api.get("/api/embed/config", &[], None).await;
    assert_eq!(
        (status, config["data"]["allowedOrigins"].clone()),
        (200, json!([MARKET_SITE]))
    );
    let (status, health) = api.get("/health", &[], None).await;
    assert_eq!((status, health["status"].clone()), (200, json!("ok")));
    let (status, _) = api.get("/health", &[("resources", "1")], None).await;
    assert_eq!(status, 200);
    let (status, live) = api.get("/health/live", &[], None).await;
    assert_eq!((status, live), (200, json!({"status": "live"})));
    let (status, ready) = api.get("/health/ready", &[], None).await;
    assert_eq!((status, ready["status"].clone()), (200, json!("ready")));
    let (status, _) = api.get("/metrics", &[], None).await;
    assert_eq!(status, 200);

    // The socket: refusals in the envelope, then a real upgrade.
    assert_eq!(
        refusal(api.get("/ws", &[], None).await),
        refused(401, "UNAUTHORIZED")
    );
    let (status, _) = api
        .get("/ws", &[("token", guest_token.as_str())], None)
        .await;
    assert_eq!(status, 400, "not an upgrade request");
    let foreign = api
        .http
        .get(format!("{}/ws", node.http()))
        .query(&[("token", guest_token.as_str())])
        .header("origin", "https://elsewhere.example")
        .send()
        .await
        .unwrap();
    let status = foreign.status().as_u16();
    let body: Value = foreign.json().await.unwrap();
    api.spec.check("get", "/ws", status, Some(&body));
    assert_eq!(refusal((status, body)), refused(403, "FORBIDDEN"));
    let (socket, response) =
        tokio_tungstenite::connect_async(format!("{}?token={guest_token}", node.ws()))
            .await
            .unwrap();
    api.spec
        .check("get", "/ws", response.status().as_u16(), None);
    drop(socket);

    // The site's backend, with an API key (server-only operations).
    let key = create_key(
        &data_dir,
        "site",
        &["tokens:mint", "rooms:read", "rooms:moderate"],
    );
    let key = Some(key.as_str());
    let (status, _) = api
        .post(
            "/api/server/tokens",
            key,
            json!({"walletAddress": g, "marketAddress": m, "grants": {"canSpeak": true}}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        refusal(
            api.post(
                "/api/server/tokens",
                Some(&guest_token),
                json!({"walletAddress": g})
            )
            .await
        ),
        refused(401, "UNAUTHORIZED")
    );
    let (status, rooms) = api.get("/api/server/rooms", &[], key).await;
    assert_eq!(
        (status, rooms["data"]["rooms"][0]["roomId"].clone()),
        (200, json!(m))
    );
    for (documented, actual) in [
        (
            "participants",
            format!("/api/server/rooms/{m}/participants"),
        ),
        ("stats", format!("/api/server/rooms/{m}/stats")),
        ("debates", format!("/api/server/rooms/{m}/debates")),
    ] {
        let path = format!("/api/server/rooms/{{market}}/{documented}");
        let (status, body) = api
            .call_at(Method::GET, &path, &actual, &[], key, None)
            .await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    let (status, body) = api
        .call_at(
            Method::POST,
            "/api/server/rooms/{market}/moderate",
            &format!("/api/server/rooms/{m}/moderate"),
            &[],
            key,
            Some(json!({"action": "mute_all"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    founder_socket.close().await;
    guest_socket.close().await;
    let documented = documented_operations(&api.spec.doc);
    let missed: Vec<_> = documented.difference(&api.spec.succeeded).collect();
    assert!(
        missed.is_empty(),
        "operations never answered with success: {missed:?}"
    );
}
