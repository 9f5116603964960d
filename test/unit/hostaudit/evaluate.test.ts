// The firewall evaluator on the host firewall recorded from a real namespace (nftables tables plus
// iptables-nft's filter and mangle), for connections a cluster node on 10.0.0.5 (or on the lab's
// loopback addresses) needs. Each expectation was worked out by hand from nft-list-ruleset.txt and
// iptables-save.txt in test/fixtures/hostaudit/host-firewall/.
import { describe, expect, it } from "vitest";
import { evaluateFlow, type Flow } from "../../../src/firewall/evaluate.js";
import type { Hook } from "../../../src/firewall/model.js";
import { readFirewalls } from "../../../src/hostaudit/firewalls.js";
import { isLocalAddress } from "../../../src/hostaudit/flows.js";
import { fixtureFacts } from "./fixtures.js";

const { chains } = readFirewalls(fixtureFacts("host-firewall"));
const REMOTE_IN: Hook[] = ["prerouting", "input"];
const REMOTE_OUT: Hook[] = ["output", "postrouting"];
const LOOPBACK: Hook[] = ["output", "postrouting", "prerouting", "input"];

interface Case {
  what: string;
  flow: Omit<Flow, "version"> & { version?: 4 | 6 };
  blocked: "certain" | "possible" | "no";
  /** "source family table chain ref certain?" of every blocker met, in order. */
  blockers: string[];
}

const CASES: Case[] = [
  {
    what: "bus in from 10.0.0.7: iptables' REDIS chain accepts it, but pf_helper_host's 16000-16999 reject catches 16379",
    flow: { saddr: "10.0.0.7", daddr: "10.0.0.5", dport: 16379, iface: "other", hooks: REMOTE_IN },
    blocked: "certain",
    blockers: ["nftables inet pf_helper_host redis_chk handle 19 certain"],
  },
  {
    what: "bus in from 10.1.2.3: iptables' REDIS chain rejects it first",
    flow: { saddr: "10.1.2.3", daddr: "10.0.0.5", dport: 16379, iface: "other", hooks: REMOTE_IN },
    blocked: "certain",
    blockers: ["iptables ip filter REDIS rule 3 certain"],
  },
  {
    what: "bus in from 192.168.1.5: iptables' mangle table drops 192.168.0.0/16 before anything else",
    flow: { saddr: "192.168.1.5", daddr: "10.0.0.5", dport: 16379, iface: "other", hooks: REMOTE_IN },
    blocked: "certain",
    blockers: ["iptables ip mangle INPUT rule 1 certain"],
  },
  {
    what: "client in from 10.0.0.7: accepted by both firewalls",
    flow: { saddr: "10.0.0.7", daddr: "10.0.0.5", dport: 6379, iface: "other", hooks: REMOTE_IN },
    blocked: "no",
    blockers: [],
  },
  {
    what: "client in from 192.168.1.5: REDIS returns, INPUT's policy drop ends it",
    flow: { saddr: "192.168.1.5", daddr: "10.0.0.5", dport: 6379, iface: "other", hooks: REMOTE_IN },
    blocked: "certain",
    blockers: ["iptables ip filter INPUT policy certain"],
  },
  {
    what: "client in from an unknown source: only a possible block (REDIS may accept it)",
    flow: { saddr: null, daddr: "10.0.0.5", dport: 6379, iface: "other", hooks: REMOTE_IN },
    blocked: "possible",
    blockers: ["iptables ip filter INPUT policy possible"],
  },
  {
    what: "bus out to 10.0.0.7: iptables' OUTPUT drops it",
    flow: { saddr: "10.0.0.5", daddr: "10.0.0.7", dport: 16379, iface: "other", hooks: REMOTE_OUT },
    blocked: "certain",
    blockers: ["iptables ip filter OUTPUT rule 1 certain"],
  },
  {
    what: "bus out to 10.0.0.66: maybe the eth0 rule, surely the port map's drop",
    flow: { saddr: "10.0.0.5", daddr: "10.0.0.66", dport: 16379, iface: "other", hooks: REMOTE_OUT },
    blocked: "certain",
    blockers: ["nftables inet pf_helper_host output handle 22 possible", "nftables inet pf_helper_host output handle 24 certain"],
  },
  {
    what: "client out to 10.0.0.66: the port map accepts 6379",
    flow: { saddr: "10.0.0.5", daddr: "10.0.0.66", dport: 6379, iface: "other", hooks: REMOTE_OUT },
    blocked: "no",
    blockers: [],
  },
  {
    what: "bus out to 10.0.0.8: only if it leaves through eth0",
    flow: { saddr: "10.0.0.5", daddr: "10.0.0.8", dport: 16379, iface: "other", hooks: REMOTE_OUT },
    blocked: "possible",
    blockers: ["nftables inet pf_helper_host output handle 22 possible"],
  },
  {
    what: "lab: bus from 127.0.0.1 to 127.0.0.3 over lo, dropped by the lab's fault rule",
    flow: { saddr: "127.0.0.1", daddr: "127.0.0.3", dport: 16379, iface: "lo", hooks: LOOPBACK },
    blocked: "certain",
    blockers: ["nftables inet busdoctor_lab input handle 2 certain"],
  },
  {
    what: "lab: bus from 127.0.0.2 to 127.0.0.1 over lo, accepted (iif lo)",
    flow: { saddr: "127.0.0.2", daddr: "127.0.0.1", dport: 16379, iface: "lo", hooks: LOOPBACK },
    blocked: "no",
    blockers: [],
  },
  {
    what: "IPv6 bus from fd00::7: iptables (IPv4) does not apply, pf_helper_host accepts fd00::/8",
    flow: { version: 6, saddr: "fd00::7", daddr: "fd00::5", dport: 16379, iface: "other", hooks: REMOTE_IN },
    blocked: "no",
    blockers: [],
  },
];

describe("evaluateFlow on a recorded host firewall", () => {
  it.each(CASES)("$what", ({ flow, blocked, blockers }) => {
    const outcome = evaluateFlow(chains, { version: 4, ...flow });
    const met = outcome.blockers.map(
      (blocker) =>
        `${blocker.chain.source} ${blocker.chain.family} ${blocker.chain.table} ${blocker.chain.name} ${blocker.rule?.ref ?? "policy"} ${blocker.certain ? "certain" : "possible"}`,
    );
    expect(met).toEqual(blockers);
    expect(outcome.blocked).toBe(blocked);
  });
});

describe("isLocalAddress", () => {
  const lab = fixtureFacts("host-firewall").localAddresses;
  const host = [
    { cidr: "10.0.0.5/24", internal: false },
    { cidr: "127.0.0.1/8", internal: true },
  ];
  it.each([
    { address: "127.0.0.9", locals: lab, local: true },
    { address: "::1", locals: lab, local: true },
    { address: "10.0.0.5", locals: lab, local: false },
    { address: "10.0.0.5", locals: host, local: true },
    { address: "10.0.0.6", locals: host, local: false },
    { address: "redis-0", locals: host, local: false },
  ])("$address", ({ address, locals, local }) => {
    expect(isLocalAddress(address, locals)).toBe(local);
  });
});
