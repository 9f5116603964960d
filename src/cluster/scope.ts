// Which addresses busdoctor may dial: the scope of the seeds the user gave. A node's CLUSTER NODES is
// only a claim (a hostile or broken node can list 169.254.169.254:80, 10.0.0.1:22 or a host name), so a
// listed address is dialled, and handed the credentials, only when it lies where the seeds do:
// loopback seeds reach loopback addresses, private seeds the private ranges, a public seed only itself;
// `--allow CIDR` widens that. Never dialled: 0.0.0.0/8 and :: (this host), broadcast, multicast, and
// link-local (fe80::/10, and 169.254.0.0/16 where cloud metadata services answer) unless the user
// named them (a seed there, or an --allow inside those ranges). Pure: no DNS, no sockets (net.BlockList
// only tests membership; IPv4-mapped IPv6 addresses count as their IPv4 address).
import { BlockList, isIP } from "node:net";
import { UsageError } from "../errors.js";

type Family = "ipv4" | "ipv6";

/** An --allow range: a network address and its prefix length. */
export interface AllowedRange {
  network: string;
  prefix: number;
  family: Family;
}

/** Why an address is out of scope: only "outside" can be let in with --allow (link-local only with an --allow inside it). */
export type OutOfScopeKind = "host-name" | "special" | "link-local" | "outside";

export type ScopeVerdict = { inScope: true } | { inScope: false; kind: OutOfScopeKind; reason: string };

/** Whether a node's claimed IP may be dialled (checkScope with the run's scope). */
export type Admit = (host: string) => ScopeVerdict;

type Subnet = [network: string, prefix: number, family: Family];

function blockList(subnets: readonly Subnet[]): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of subnets) list.addSubnet(network, prefix, family);
  return list;
}

const LOOPBACK = blockList([
  ["127.0.0.0", 8, "ipv4"],
  ["::1", 128, "ipv6"],
]);
/** RFC 1918, the shared address space of carrier-grade NAT (RFC 6598), IPv6 unique local addresses. */
const PRIVATE = blockList([
  ["10.0.0.0", 8, "ipv4"],
  ["172.16.0.0", 12, "ipv4"],
  ["192.168.0.0", 16, "ipv4"],
  ["100.64.0.0", 10, "ipv4"],
  ["fc00::", 7, "ipv6"],
]);
const LINK_LOCAL_SUBNETS: readonly Subnet[] = [
  ["169.254.0.0", 16, "ipv4"],
  ["fe80::", 10, "ipv6"],
];
const LINK_LOCAL = blockList(LINK_LOCAL_SUBNETS);
const NEVER: ReadonlyArray<[BlockList, string]> = [
  [
    blockList([
      ["0.0.0.0", 8, "ipv4"],
      ["::", 128, "ipv6"],
    ]),
    "this host's unspecified address",
  ],
  [blockList([["255.255.255.255", 32, "ipv4"]]), "the broadcast address"],
  [
    blockList([
      ["224.0.0.0", 4, "ipv4"],
      ["ff00::", 8, "ipv6"],
    ]),
    "a multicast address",
  ],
];

type AddressClass = "loopback" | "private" | "public";

export interface Scope {
  /** The seeds' own addresses (host names already resolved by the caller). */
  seeds: BlockList;
  classes: ReadonlySet<AddressClass>;
  allow: BlockList;
  /** The --allow ranges that lie inside the link-local ranges: only these let link-local addresses in. */
  allowLinkLocal: BlockList;
}

function familyOf(address: string): Family | null {
  const version = isIP(address);
  return version === 4 ? "ipv4" : version === 6 ? "ipv6" : null;
}

function classOf(address: string, family: Family): AddressClass {
  if (LOOPBACK.check(address, family)) return "loopback";
  if (PRIVATE.check(address, family)) return "private";
  return "public";
}

/** `--allow 10.1.0.0/16` (repeatable), or one address: what the seeds' scope leaves out and the user wants dialled. */
export function parseAllow(text: string): AllowedRange {
  const [network = "", prefixText, extra] = text.trim().split("/");
  const family = familyOf(network);
  const bits = family === "ipv4" ? 32 : 128;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (family === null || extra !== undefined || !(prefix >= 0 && prefix <= bits)) {
    throw new UsageError(`--allow: expected an address or a CIDR range such as 10.1.0.0/16 or fd00::/8, got "${text}"`);
  }
  return { network, prefix, family };
}

/** Whether the whole range lies inside 169.254.0.0/16 or fe80::/10. */
function insideLinkLocal(range: AllowedRange): boolean {
  return LINK_LOCAL_SUBNETS.some(([, prefix, family]) => family === range.family && range.prefix >= prefix) && LINK_LOCAL.check(range.network, range.family);
}

/** The scope of seeds at `seedAddresses` (IP addresses; anything else is ignored), widened by `allow`. */
export function seedScope(seedAddresses: readonly string[], allow: readonly AllowedRange[]): Scope {
  const seeds = new BlockList();
  const classes = new Set<AddressClass>();
  for (const address of seedAddresses) {
    const family = familyOf(address);
    if (family === null) continue;
    seeds.addAddress(address, family);
    const seedClass = classOf(address, family);
    if (seedClass !== "public") classes.add(seedClass);
  }
  const allowed = new BlockList();
  const allowLinkLocal = new BlockList();
  for (const range of allow) {
    allowed.addSubnet(range.network, range.prefix, range.family);
    if (insideLinkLocal(range)) allowLinkLocal.addSubnet(range.network, range.prefix, range.family);
  }
  return { seeds, classes, allow: allowed, allowLinkLocal };
}

/** Whether busdoctor may dial `host`, a node's claimed IP address; when not, why, in words for a finding. */
export function checkScope(scope: Scope, host: string): ScopeVerdict {
  const family = familyOf(host);
  if (family === null) return { inScope: false, kind: "host-name", reason: "a host name, which busdoctor does not look up when a node hands it over" };
  for (const [list, what] of NEVER) if (list.check(host, family)) return { inScope: false, kind: "special", reason: `${what}, never dialled` };
  if (scope.seeds.check(host, family)) return { inScope: true };
  if (LINK_LOCAL.check(host, family)) {
    if (scope.allowLinkLocal.check(host, family)) return { inScope: true };
    return {
      inScope: false,
      kind: "link-local",
      reason: "a link-local address (where cloud metadata services answer), dialled only with an --allow inside 169.254.0.0/16 or fe80::/10",
    };
  }
  if (scope.allow.check(host, family)) return { inScope: true };
  const addressClass = classOf(host, family);
  if (scope.classes.has(addressClass)) return { inScope: true };
  const seedsAre = scope.classes.size === 0 ? "public: only the seeds themselves" : [...scope.classes].join(" and ");
  return { inScope: false, kind: "outside", reason: `a ${addressClass} address, outside the seeds' scope (${seedsAre}); --allow widens it` };
}
