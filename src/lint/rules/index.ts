import { announcedBusPortNotPublished } from "./announcedBusPortNotPublished.js";
import { busPortNarrowerSource } from "./busPortNarrowerSource.js";
import { busPortNotAllowed } from "./busPortNotAllowed.js";
import { busPortNotPublished } from "./busPortNotPublished.js";
import { busPortOneWay } from "./busPortOneWay.js";
import { busPortPublic } from "./busPortPublic.js";
import type { LintRule } from "./rule.js";
import { serviceMissingBusPort } from "./serviceMissingBusPort.js";

export type { LintRule, RuleContext } from "./rule.js";

/** Every rule, in the order findings of equal position are listed. */
export const LINT_RULES: readonly LintRule[] = [
  busPortNotAllowed,
  busPortOneWay,
  busPortNarrowerSource,
  busPortPublic,
  busPortNotPublished,
  announcedBusPortNotPublished,
  serviceMissingBusPort,
];
