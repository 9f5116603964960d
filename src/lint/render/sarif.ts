// SARIF 2.1.0, the format GitHub code scanning ingests: one run, the rules as the driver's rules,
// each finding as a result with a physical location relative to the repository root.
import type { LintFinding } from "../model.js";
import type { LintRule } from "../rules/index.js";

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** A relative URI: forward slashes, percent-encoded, no leading "./". */
function artifactUri(file: string): string {
  const normalized = file.startsWith("./") ? file.slice(2) : file;
  return normalized.split("/").map(encodeURIComponent).join("/");
}

export function renderSarif(findings: LintFinding[], rules: readonly LintRule[], version: string): string {
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
        results: findings.map((found) => ({
          ruleId: found.ruleId,
          ...(ruleIndex.has(found.ruleId) ? { ruleIndex: ruleIndex.get(found.ruleId) } : {}),
          level: found.severity,
          message: { text: `${found.message}\nFix:\n${found.fix}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(found.file), uriBaseId: "%SRCROOT%" },
                region: { startLine: found.line, startColumn: found.column },
              },
            },
          ],
          properties: { fix: found.fix },
        })),
        columnKind: "unicodeCodePoints",
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
