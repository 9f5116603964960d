// What the CLI imports to print a `check` report.
export type { CheckReport, FindingRole } from "./report.js";
export { renderTerminal, type TerminalOptions } from "./terminal/index.js";
export { renderJson, toJsonReport, JSON_SCHEMA_VERSION, type JsonCheckReport } from "./json.js";
export { renderMarkdown } from "./markdown/index.js";
export { createProgress, type Progress } from "./progress.js";
