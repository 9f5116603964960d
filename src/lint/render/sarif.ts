// SARIF 2.1.0, the format GitHub code scanning ingests: one run, the rules as the driver's rules, each
// finding as a result with a physical location relative to the repository root and, where busdoctor can
// place it, the fix as a SARIF fix; files not read are the run's tool notifications.
import type { LintFinding, NotRead, TextEdit } from "../model.js";
import type { LintRule } from "../rules/index.js";

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** A relative URI: forward slashes, percent-encoded, no leading "./". */
function artifactUri(file: string): string {
  const normalized = file.startsWith("./") ? file.slice(2) : file;
  return normalized.split("/").map(encodeURIComponent).join("/");
}

function location(file: string, line: number, column: number) {
  return { physicalLocation: { artifactLocation: { uri: artifactUri(file), uriBaseId: "%SRCROOT%" }, region: { startLine: line, startColumn: column } } };
}

function sarifFix(edits: readonly TextEdit[]) {
  return {
    description: { text: "Allow the cluster bus port between the nodes" },
    artifactChanges: edits.map((edit) => ({
      artifactLocation: { uri: artifactUri(edit.file), uriBaseId: "%SRCROOT%" },
      replacements: [
        {
          deletedRegion: { startLine: edit.start.line, startColumn: edit.start.column, endLine: edit.end.line, endColumn: edit.end.column },
          insertedContent: { text: edit.text },
        },
      ],
    })),
  };
}

export function renderSarif(findings: readonly LintFinding[], notRead: readonly NotRead[], rules: readonly LintRule[], version: string): string {
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "busdoctor",
            version,
            rules: rules.map((rule) => ({
              id: rule.id,
              name: rule.id,
              shortDescription: { text: rule.summary },
              fullDescription: { text: rule.help },
              help: { text: rule.help },
              defaultConfiguration: { level: rule.defaultSeverity },
              properties: { tags: ["redis", "redis-cluster", "network", "security"] },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: notRead.map((entry) => ({
              level: "warning",
              message: { text: `not read: ${entry.reason}` },
              locations: [location(entry.file, entry.line ?? 1, entry.column ?? 1)],
            })),
          },
        ],
        results: findings.map((found) => ({
          ruleId: found.ruleId,
          ...(ruleIndex.has(found.ruleId) ? { ruleIndex: ruleIndex.get(found.ruleId) } : {}),
          level: found.severity,
          message: { text: `${found.message}\nWhy: ${found.evidence}\nFix:\n${found.fix}` },
          locations: [location(found.file, found.line, found.column)],
          ...(found.edits ? { fixes: [sarifFix(found.edits)] } : {}),
          properties: { fix: found.fix, evidence: found.evidence },
        })),
        columnKind: "unicodeCodePoints",
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
