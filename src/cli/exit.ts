// The exit codes of every command (docs/cli.md#exit-status).

/** EXIT holds the exit codes of every command. */
export const EXIT = { ok: 0, error: 1, changes: 2, blocked: 3, absent: 4, interrupted: 130 } as const;
