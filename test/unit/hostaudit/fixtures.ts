// Reads the inputs recorded from a real lab by scripts/record-hostaudit-fixtures.ts.
import { readFileSync } from "node:fs";
import type { HostAuditFacts } from "../../../src/hostaudit/model.js";

export type HostAuditCase = "lab-bus-in-drop" | "lab-bus-both-drop" | "host-firewall";

export function fixtureText(name: HostAuditCase, file: string): string {
  return readFileSync(new URL(`../../fixtures/hostaudit/${name}/${file}`, import.meta.url), "utf8");
}

export function fixtureFacts(name: HostAuditCase): HostAuditFacts {
  return JSON.parse(fixtureText(name, "facts.json")) as HostAuditFacts;
}
