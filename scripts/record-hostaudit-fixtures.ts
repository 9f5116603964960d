// Records the inputs the host-audit unit tests read (test/fixtures/hostaudit/<case>/): a real
// 3-master redis-server 7.0.15 cluster in a lab with nftables (and iptables-nft) rules applied, then,
// inside the lab's namespace: /proc/net/tcp and tcp6, `nft -j list ruleset` and `nft -a list ruleset`
// (the text form the tests compare rule texts with), `iptables-save`, and host-audit's own gathered
// facts (facts.json). Run as root, with nftables and iptables installed:
//   npx tsx scripts/record-hostaudit-fixtures.ts [case ...]
// The script re-runs itself inside the namespace (`gather` mode) for host-audit's gathering.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseHostPort } from "../src/cluster/address.js";
import { gatherHostAudit } from "../src/hostaudit/gather.js";
import type { HostAuditFacts } from "../src/hostaudit/model.js";
import { Lab } from "../src/lab/lab.js";
import { waitUntilCut } from "../test/support/observe.js";

const OUT = join(import.meta.dirname, "..", "test", "fixtures", "hostaudit");
const SELF = fileURLToPath(import.meta.url);

/**
 * A host firewall as real hosts have them, next to the lab's fault table: policy drop, conntrack,
 * loopback accepted (so the lab's own traffic on lo passes), named sets, ranges, a jump to a regular
 * chain, a goto, a port map, and rules for the bus port that a peer outside 10.0.0.0/8 hits.
 */
const HOST_NFT = `
table inet pf_helper_host {
  set redis_peers { type ipv4_addr; flags interval; elements = { 10.0.0.0/24, 192.168.1.5, 172.16.0.1-172.16.0.9 } }
  set redis_ports { type inet_service; elements = { 6379, 16379 } }
  chain input {
    type filter hook input priority filter; policy drop;
    ct state established,related accept
    ct state invalid drop
    iif lo accept
    iifname "eth0" tcp dport 22 accept
    ip saddr @redis_peers tcp dport 6379 accept
    tcp dport { 6379, 7000-7005 } counter accept
    ip6 saddr fd00::/8 tcp dport 16379 accept
    tcp dport 16379 ip saddr != 10.0.0.0/8 log prefix "bus " reject with icmpx type admin-prohibited
    jump redis_chk
    meta l4proto tcp th dport 16379 drop
  }
  chain redis_chk {
    tcp dport @redis_ports ip saddr 10.1.0.0/16 return
    tcp dport 16000-16999 reject
    tcp dport 17000 goto sink
  }
  chain sink {
    drop
  }
  chain output {
    type filter hook output priority 0; policy accept;
    oifname "eth0" tcp dport 16379 drop
    ip daddr 10.0.0.66 tcp dport vmap { 16379 : drop, 6379 : accept }
  }
}
`;

/** The same kind of host firewall written with iptables (the nf_tables backend on Debian 12). */
const HOST_IPTABLES = [
  ["-P", "INPUT", "DROP"],
  ["-A", "INPUT", "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT"],
  ["-A", "INPUT", "-i", "lo", "-j", "ACCEPT"],
  ["-N", "REDIS"],
  ["-A", "INPUT", "-p", "tcp", "-m", "multiport", "--dports", "6379,16379", "-j", "REDIS"],
  ["-A", "REDIS", "-s", "10.0.0.0/24", "-p", "tcp", "-m", "tcp", "--dport", "6379", "-j", "ACCEPT"],
  ["-A", "REDIS", "-s", "10.0.0.0/24", "-p", "tcp", "-m", "tcp", "--dport", "16379", "-j", "ACCEPT"],
  [
    "-A",
    "REDIS",
    "-p",
    "tcp",
    "-m",
    "tcp",
    "--dport",
    "16379",
    "-m",
    "comment",
    "--comment",
    "bus from elsewhere",
    "-j",
    "REJECT",
    "--reject-with",
    "tcp-reset",
  ],
  ["-A", "REDIS", "-j", "RETURN"],
  ["-A", "OUTPUT", "-d", "10.0.0.7/32", "-p", "tcp", "-m", "tcp", "--dport", "16379", "-j", "DROP"],
  ["-A", "OUTPUT", "-p", "tcp", "!", "--dport", "6379", "-m", "state", "--state", "NEW", "-j", "LOG", "--log-prefix", "new "],
  ["-A", "FORWARD", "-p", "tcp", "--dport", "16379", "-j", "DROP"],
  ["-t", "mangle", "-A", "INPUT", "-s", "192.168.0.0/16", "-p", "tcp", "--dport", "16379", "-j", "DROP"],
];

interface Case {
  name: string;
  description: string;
  node: string;
  source: string | null;
  prepare(lab: Lab): Promise<void>;
}

const CASES: readonly Case[] = [
  {
    name: "lab-bus-in-drop",
    description: "inbound to node 3's bus port dropped; audited on node 3's host",
    node: "127.0.0.3:6379",
    source: null,
    prepare: async (lab) => {
      await lab.fault({ kind: "bus", node: 3, direction: "in", action: "drop" });
      await waitUntilCut(
        lab,
        [
          [1, 3],
          [2, 3],
        ],
        1500,
      );
    },
  },
  {
    name: "lab-bus-both-drop",
    description: "node 3's bus port dropped both ways; peers probed from node 3's address",
    node: "127.0.0.3:6379",
    source: "127.0.0.3",
    prepare: async (lab) => {
      await lab.fault({ kind: "bus", node: 3, direction: "both", action: "drop" });
    },
  },
  {
    name: "host-firewall",
    description: "a host firewall in nftables and iptables-nft next to an inbound drop on node 3; audited on node 1's host",
    node: "127.0.0.1:6379",
    source: "127.0.0.1",
    prepare: async (lab) => {
      await lab.fault({ kind: "bus", node: 3, direction: "in", action: "drop" });
      const nft = await lab.exec(["nft", "-f", "-"], { input: HOST_NFT, timeoutMs: 10_000 });
      if (nft.code !== 0) throw new Error(`nft -f failed: ${nft.stderr}`);
      for (const args of HOST_IPTABLES) {
        const result = await lab.exec(["iptables", ...args], { timeoutMs: 10_000 });
        if (result.code !== 0) throw new Error(`iptables ${args.join(" ")} failed: ${result.stderr} (is iptables installed?)`);
      }
    },
  },
];

async function gatherMode(node: string, source: string, file: string): Promise<void> {
  const connection = { timeoutMs: 1000, user: null, password: null, tls: null };
  const facts = await gatherHostAudit({ node: parseHostPort(node, 6379), connection, source: source === "-" ? null : source });
  writeFileSync(file, `${JSON.stringify(facts, null, 2)}\n`);
}

/** IPv6 listeners (the lab's nodes are IPv4 only), so tcp6 holds real lines: ::1:7000 and [::]:7001. */
function startIpv6Listeners(lab: Lab): () => void {
  const script = 'const net=require("node:net");net.createServer().listen(7000,"::1");net.createServer().listen(7001,"::");setTimeout(()=>{},60000)';
  const child = spawn("ip", ["netns", "exec", lab.namespace, process.execPath, "-e", script], { stdio: "ignore" });
  return () => child.kill("SIGKILL");
}

async function recordCase(item: Case): Promise<void> {
  console.log(`${item.name}: ${item.description}`);
  const lab = await Lab.up({ name: "pf-helper-rec-ha", replicasPerMaster: 0, nodeTimeoutMs: 2000 });
  const stopListeners = startIpv6Listeners(lab);
  try {
    await item.prepare(lab);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const dir = join(OUT, item.name);
    mkdirSync(dir, { recursive: true });
    const factsFile = join(dir, "facts.json");
    const gather = await lab.exec([process.execPath, "--import", "tsx", SELF, "gather", item.node, item.source ?? "-", factsFile], { timeoutMs: 60_000 });
    if (gather.code !== 0) throw new Error(`gathering failed: ${gather.stderr.trim()}`);
    const listing = await lab.exec(["nft", "-a", "list", "ruleset"], { timeoutMs: 10_000 });
    writeFileSync(join(dir, "nft-list-ruleset.txt"), listing.stdout);
    const facts = JSON.parse(readFileSync(factsFile, "utf8")) as HostAuditFacts;
    const raw: Array<[string, HostAuditFacts["nft"]]> = [
      ["proc-net-tcp.txt", facts.procNetTcp],
      ["proc-net-tcp6.txt", facts.procNetTcp6],
      ["nft-ruleset.json", facts.nft],
      ["iptables-save.txt", facts.iptables],
    ];
    for (const [file, captured] of raw) if (captured.ok) writeFileSync(join(dir, file), captured.text);
  } finally {
    stopListeners();
    await lab.down();
  }
}

async function recordAll(wanted: string[]): Promise<void> {
  const chosen = wanted.length === 0 ? CASES : CASES.filter((item) => wanted.includes(item.name));
  for (const item of chosen) await recordCase(item);
}

const [mode, ...rest] = process.argv.slice(2);
const run = mode === "gather" ? gatherMode(rest[0] ?? "", rest[1] ?? "-", rest[2] ?? "") : recordAll(process.argv.slice(2));
run.catch((error: unknown) => {
  console.error(`record-hostaudit-fixtures: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
