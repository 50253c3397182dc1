// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * A reaction: one of the fixed set (anything else is `BAD_REQUEST` when
 * decoded), so clients can draw every one and nobody sends text this way.
 */
export type Emoji = "👍" | "👎" | "👏" | "🔥" | "😂" | "🤔" | "💯" | "❤️";
