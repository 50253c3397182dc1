// Generated from the server's Rust types by ts-rs: do not edit; `make wire-types` regenerates.

/**
 * Why an invitation ended without a grant.
 */
export type InviteDeclineReason = "declined" | "expired";
