// Hand-written from the issue-20 contract until the server's generated type exists.
export type DebateJoin = { turnSeconds: number, startedAt: string, turn: { side: "YES" | "NO" | null, walletAddress: string | null, endsAt: string | null, turn: number } | null, floorOpen: boolean, poll: { closesAt: string } | null };
