// Exit codes are part of the contract: scripts and probes branch on them. Domain code states a
// verdict as a `Health`; this file alone turns one into an exit code.
import type { Health } from "../model/finding.js";

export const EXIT = {
  healthy: 0,
  warnings: 1,
  critical: 2,
  /** Could not diagnose: bad arguments, unreadable input, no seed reachable, bad credentials. */
  cannotDiagnose: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const EXIT_BY_HEALTH: Record<Health, ExitCode> = {
  healthy: EXIT.healthy,
  warning: EXIT.warnings,
  critical: EXIT.critical,
  unknown: EXIT.cannotDiagnose,
};

/** 0 healthy, 1 warnings only, 2 critical, 3 could not diagnose. */
export function exitCodeFor(health: Health): ExitCode {
  return EXIT_BY_HEALTH[health];
}
