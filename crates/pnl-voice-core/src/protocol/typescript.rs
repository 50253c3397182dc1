//! The TypeScript wire types of the JS client (`clients/js/src/wire/`),
//! rendered from the server's own types with ts-rs, so the two cannot drift:
//! the test fails when the committed files differ from what the types
//! render, and with `PNL_VOICE_WRITE_WIRE=1` (`make wire-types`) writes them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};

use super::*;
use crate::error::{ApiError, ErrorCode};
use crate::rooms::{
    DebateCurrentTurn, DebatePollResult, DebatePollView, DebateSide, DebateSpeakingSeconds,
    DebateSummary, DebateTally, DebateTurnRecord, DebateView, Emoji, InviteEnd, ParticipantView,
    Position, ReservationView, RoomSettings, SettingsPatch,
};

/// The first line of every generated file.
const HEADER: &str = "// Generated from the server's Rust types by ts-rs: do not edit; \
                      `make wire-types` regenerates.\n";

/// Where the files live, from the repository root.
const WIRE_DIR: &str = "clients/js/src/wire";

/// The repository root, from this crate's directory (`crates/pnl-voice-core`).
const REPOSITORY_ROOT: &str = "../..";

/// File name -> content, for every wire type, `SocketMethods` and `index.ts`.
type Files = BTreeMap<String, String>;

fn config() -> Config {
    // `.js` imports resolve under both bundlers and Node's ESM rules.
    Config::new().with_import_extension(Some("js"))
}

/// Adds `T`'s file: ts-rs's declaration with its imports, under our header.
fn add<T: TS + 'static>(files: &mut Files, cfg: &Config) {
    let text = T::export_to_string(cfg).expect("a wire type renders");
    let (_ts_rs_note, body) = text
        .split_once('\n')
        .expect("ts-rs starts with a note line");
    files.insert(format!("{}.ts", T::ident(cfg)), format!("{HEADER}{body}"));
    for dependency in T::dependencies(cfg) {
        let path = dependency.output_path.to_string_lossy().into_owned();
        assert!(
            WIRE_TYPES.iter().any(|name| format!("{name}.ts") == path),
            "{} uses {path}, which is not listed in WIRE_TYPES",
            T::ident(cfg)
        );
    }
}

/// Every type with a file, by TypeScript name (checked in `render`).
const WIRE_TYPES: [&str; 51] = [
    "ConnectTransportRequest",
    "ConsumeRequest",
    "ConsumerData",
    "ConsumerRequest",
    "CreateTransportRequest",
    "DebateAction",
    "DebateCurrentTurn",
    "DebatePollResult",
    "DebatePollView",
    "DebateRequest",
    "DebateSide",
    "DebateSpeakingSeconds",
    "DebateSummary",
    "DebateTally",
    "DebateTurnRecord",
    "DebateView",
    "DebateVoteRequest",
    "Direction",
    "Emoji",
    "Empty",
    "ErrorCode",
    "IceServer",
    "InviteDeclineReason",
    "InviteResponseRequest",
    "JoinData",
    "JoinRequest",
    "ModerateAction",
    "ModerateRequest",
    "MuteRequest",
    "Participant",
    "Position",
    "ProduceReply",
    "ProduceRequest",
    "ProducerInfo",
    "ProducerRequest",
    "ProducersReply",
    "RaiseHandReply",
    "ReactRequest",
    "Reservation",
    "RestartIceReply",
    "RoomPreview",
    "RoomSettings",
    "RouterCapabilities",
    "ServerEvent",
    "SettingsPatch",
    "SettingsReply",
    "TransportData",
    "TransportRequest",
    "WebhookEvent",
    "WebhookEventType",
    "WireError",
];

/// One socket method: its name and the TypeScript names of its request's
/// and its reply's `data`.
struct Method {
    name: &'static str,
    request: String,
    reply: String,
}

fn method<Req: TS, Rep: TS>(name: &'static str, cfg: &Config) -> Method {
    Method {
        name,
        request: Req::ident(cfg),
        reply: Rep::ident(cfg),
    }
}

/// Every socket method (`socket_methods_are_the_decoded_ones` checks the names).
fn methods(cfg: &Config) -> Vec<Method> {
    vec![
        method::<JoinRequest, JoinData>("voice:join", cfg),
        method::<Empty, Empty>("voice:leave", cfg),
        method::<Empty, RouterCapabilities>("getRouterRtpCapabilities", cfg),
        method::<CreateTransportRequest, TransportData>("createTransport", cfg),
        method::<ConnectTransportRequest, Empty>("connectTransport", cfg),
        method::<ProduceRequest, ProduceReply>("produce", cfg),
        method::<ConsumeRequest, ConsumerData>("consume", cfg),
        method::<ConsumerRequest, Empty>("resumeConsumer", cfg),
        method::<ConsumerRequest, Empty>("pauseConsumer", cfg),
        method::<TransportRequest, RestartIceReply>("restartIce", cfg),
        method::<ProducerRequest, Empty>("closeProducer", cfg),
        method::<MuteRequest, Empty>("voice:mute", cfg),
        method::<Empty, RaiseHandReply>("voice:raise_hand", cfg),
        method::<Empty, Empty>("voice:lower_hand", cfg),
        method::<ModerateRequest, Empty>("voice:moderate", cfg),
        method::<Empty, ProducersReply>("voice:producers", cfg),
        method::<SettingsPatch, SettingsReply>("voice:update_settings", cfg),
        method::<ReactRequest, Empty>("voice:react", cfg),
        method::<InviteResponseRequest, Empty>("voice:invite_response", cfg),
        method::<DebateRequest, Empty>("voice:debate", cfg),
        method::<DebateVoteRequest, Empty>("voice:debate_vote", cfg),
    ]
}

/// `SocketMethods`: each method's request and reply `data`, by method name.
fn socket_methods(cfg: &Config) -> String {
    let methods = methods(cfg);
    let mut used: Vec<&str> = methods
        .iter()
        .flat_map(|m| [m.request.as_str(), m.reply.as_str()])
        .collect();
    used.sort_unstable();
    used.dedup();
    let mut out = String::from(HEADER);
    for name in used {
        out.push_str(&format!("import type {{ {name} }} from \"./{name}.js\";\n"));
    }
    out.push_str(
        "\n/**\n * Each socket method: the `data` of its request (`{id, method, data}`) and \
         of its\n * reply (`{id, ok: true, data}`).\n */\nexport interface SocketMethods {\n",
    );
    for m in &methods {
        out.push_str(&format!(
            "  \"{}\": {{ data: {}; reply: {} }};\n",
            m.name, m.request, m.reply
        ));
    }
    out.push_str("}\n");
    out
}

/// Every generated file.
fn render() -> Files {
    let cfg = config();
    let mut files = Files::new();
    add::<ConnectTransportRequest>(&mut files, &cfg);
    add::<ConsumeRequest>(&mut files, &cfg);
    add::<ConsumerData>(&mut files, &cfg);
    add::<ConsumerRequest>(&mut files, &cfg);
    add::<CreateTransportRequest>(&mut files, &cfg);
    add::<DebateAction>(&mut files, &cfg);
    add::<DebateCurrentTurn>(&mut files, &cfg);
    add::<DebatePollResult>(&mut files, &cfg);
    add::<DebatePollView>(&mut files, &cfg);
    add::<DebateRequest>(&mut files, &cfg);
    add::<DebateSide>(&mut files, &cfg);
    add::<DebateSpeakingSeconds>(&mut files, &cfg);
    add::<DebateSummary>(&mut files, &cfg);
    add::<DebateTally>(&mut files, &cfg);
    add::<DebateTurnRecord>(&mut files, &cfg);
    add::<DebateView>(&mut files, &cfg);
    add::<DebateVoteRequest>(&mut files, &cfg);
    add::<Direction>(&mut files, &cfg);
    add::<Emoji>(&mut files, &cfg);
    add::<Empty>(&mut files, &cfg);
    add::<ErrorCode>(&mut files, &cfg);
    add::<IceServer>(&mut files, &cfg);
    add::<InviteEnd>(&mut files, &cfg);
    add::<InviteResponseRequest>(&mut files, &cfg);
    add::<JoinData>(&mut files, &cfg);
    add::<JoinRequest>(&mut files, &cfg);
    add::<ModerationAction>(&mut files, &cfg);
    add::<ModerateRequest>(&mut files, &cfg);
    add::<MuteRequest>(&mut files, &cfg);
    add::<ParticipantView>(&mut files, &cfg);
    add::<Position>(&mut files, &cfg);
    add::<ProduceReply>(&mut files, &cfg);
    add::<ProduceRequest>(&mut files, &cfg);
    add::<ProducerInfo>(&mut files, &cfg);
    add::<ProducerRequest>(&mut files, &cfg);
    add::<ProducersReply>(&mut files, &cfg);
    add::<RaiseHandReply>(&mut files, &cfg);
    add::<WebhookEvent>(&mut files, &cfg);
    add::<WebhookEventType>(&mut files, &cfg);
    add::<ReactRequest>(&mut files, &cfg);
    add::<ReservationView>(&mut files, &cfg);
    add::<RestartIceReply>(&mut files, &cfg);
    add::<RoomPreview>(&mut files, &cfg);
    add::<RoomSettings>(&mut files, &cfg);
    add::<RouterCapabilities>(&mut files, &cfg);
    add::<ServerEvent>(&mut files, &cfg);
    add::<SettingsPatch>(&mut files, &cfg);
    add::<SettingsReply>(&mut files, &cfg);
    add::<TransportData>(&mut files, &cfg);
    add::<TransportRequest>(&mut files, &cfg);
    add::<ApiError>(&mut files, &cfg);
    let rendered: Vec<&str> = files.keys().map(|f| f.trim_end_matches(".ts")).collect();
    assert_eq!(rendered, WIRE_TYPES, "WIRE_TYPES lists every rendered type");
    files.insert("SocketMethods.ts".into(), socket_methods(&cfg));
    let mut index = String::from(HEADER);
    for name in files.keys().map(|f| f.trim_end_matches(".ts")) {
        index.push_str(&format!("export type {{ {name} }} from \"./{name}.js\";\n"));
    }
    files.insert("index.ts".into(), index);
    files
}

fn wire_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(REPOSITORY_ROOT)
        .join(WIRE_DIR)
}

/// The `.ts` files in `dir` now, by name.
fn committed(dir: &Path) -> Files {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Files::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".ts"))
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name)).unwrap_or_default();
            (name, text)
        })
        .collect()
}

/// Writes `files` into `dir`, removing `.ts` files no type renders any more.
fn write(dir: &Path, files: &Files) {
    std::fs::create_dir_all(dir).expect("create the wire directory");
    for stale in committed(dir)
        .keys()
        .filter(|name| !files.contains_key(*name))
    {
        std::fs::remove_file(dir.join(stale)).expect("remove a stale wire file");
    }
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write a wire file");
    }
}

#[test]
fn wire_types_match_the_committed_typescript() {
    let files = render();
    let dir = wire_dir();
    if std::env::var_os("PNL_VOICE_WRITE_WIRE").is_some_and(|v| v == "1") {
        write(&dir, &files);
        return;
    }
    let on_disk = committed(&dir);
    let mut drift: Vec<String> = Vec::new();
    for (name, text) in &files {
        match on_disk.get(name) {
            None => drift.push(format!("{name} is missing")),
            Some(old) if old != text => drift.push(format!("{name} differs")),
            Some(_) => {}
        }
    }
    for name in on_disk.keys().filter(|name| !files.contains_key(*name)) {
        drift.push(format!("{name} is not generated by any type"));
    }
    assert!(
        drift.is_empty(),
        "{WIRE_DIR}/ no longer matches the server's Rust wire types ({}).\n\
         Run `make wire-types` to regenerate it, and commit the result.",
        drift.join("; ")
    );
}

#[test]
fn socket_methods_are_the_decoded_ones() {
    for m in methods(&config()) {
        let frame = format!(r#"{{"id":1,"method":"{}","data":{{}}}}"#, m.name);
        if let Err(e) = decode(&frame) {
            assert!(
                !e.error.message.starts_with("unknown method"),
                "{} is not a method decode knows",
                m.name
            );
        }
    }
}

#[test]
fn every_socket_method_is_listed_for_metrics() {
    let names: Vec<&str> = methods(&config()).iter().map(|m| m.name).collect();
    assert_eq!(names, Command::METHODS);
}
