// Colour for the terminal report. Whether to colour is decided by the caller (a TTY check in the
// CLI) and passed in: picocolors' own detection is never consulted, so output is reproducible.

import picocolors from "picocolors";
import type { Health, Severity } from "../../model/finding.js";
import type { Paint } from "./layout.js";

export interface Style {
  heading: Paint;
  dim: Paint;
  critical: Paint;
  warning: Paint;
  good: Paint;
  severity(severity: Severity): Paint;
  health(health: Health): Paint;
}

export function createStyle(color: boolean): Style {
  const colors = picocolors.createColors(color);
  const critical: Paint = (text) => colors.red(text);
  const warning: Paint = (text) => colors.yellow(text);
  const good: Paint = (text) => colors.green(text);
  const neutral: Paint = (text) => text;
  return {
    heading: (text) => colors.bold(text),
    dim: (text) => colors.dim(text),
    critical,
    warning,
    good,
    severity: (severity) => (severity === "critical" ? critical : severity === "warning" ? warning : neutral),
    health: (health) => (health === "critical" ? critical : health === "warning" ? warning : good),
  };
}
