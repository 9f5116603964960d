// Exit codes are part of the contract: scripts and probes branch on them.
export const EXIT = {
  healthy: 0,
  warnings: 1,
  critical: 2,
  /** Could not diagnose: bad arguments, unreadable input, no seed reachable, bad credentials. */
  cannotDiagnose: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
