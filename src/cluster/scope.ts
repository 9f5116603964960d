// Which addresses busdoctor may dial: the scope of the seeds the user gave. A node's CLUSTER NODES is
// only a claim (a hostile or broken node can list 169.254.169.254:80, 10.0.0.1:22 or a host name), so a
// listed address is dialled, and handed the credentials, only when it lies where the seeds do:
// loopback seeds reach loopback addresses, private seeds the private ranges, a public seed only itself;
// `--allow CIDR` widens that. Never dialled: 0.0.0.0/8 and :: (this host), broadcast, multicast, and
// link-local (fe80::/10, and 169.254.0.0/16 where cloud metadata services answer) unless the user
// named them (a seed there, or an --allow inside those ranges). Pure: no DNS, no sockets.
import { addressValue, parseAddressRange, rangeContains } from "../hostaudit/firewall/addresses.js";
import type { AddressRange, IpVersion } from "../hostaudit/firewall/model.js";
import { UsageError } from "../errors.js";

type AddressClass = "loopback" | "private" | "public";

interface Address {
  version: IpVersion;
  value: bigint;
}

export interface Scope {
  /** The seeds' addresses (host names already resolved by the caller). */
  seeds: readonly Address[];
  classes: ReadonlySet<AddressClass>;
  allow: readonly AddressRange[];
}

/** Why an address is out of scope: only "outside" can be let in with --allow (link-local only with an --allow inside it). */
export type OutOfScopeKind = "host-name" | "special" | "link-local" | "outside";

export type ScopeVerdict = { inScope: true } | { inScope: false; kind: OutOfScopeKind; reason: string };

function range(text: string): AddressRange {
  const parsed = parseAddressRange(text);
  if (parsed === null) throw new Error(`bad built-in range ${text}`);
  return parsed;
}

const LOOPBACK = ["127.0.0.0/8", "::1/128"].map(range);
/** RFC 1918, the shared address space of carrier-grade NAT (RFC 6598), IPv6 unique local addresses. */
const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"].map(range);
const LINK_LOCAL = ["169.254.0.0/16", "fe80::/10"].map(range);
const NEVER: ReadonlyArray<[ranges: AddressRange[], what: string]> = [
  [["0.0.0.0/8", "::/128"].map(range), "this host's unspecified address"],
  [["255.255.255.255/32"].map(range), "the broadcast address"],
  [["224.0.0.0/4", "ff00::/8"].map(range), "a multicast address"],
];

/** "::ffff:10.0.0.5" is 10.0.0.5. */
function unmapped(address: Address): Address {
  if (address.version === 6 && address.value >> 32n === 0xffffn) return { version: 4, value: address.value & 0xffffffffn };
  return address;
}

function parse(host: string): Address | null {
  const address = addressValue(host);
  return address === null ? null : unmapped(address);
}

function within(address: Address, ranges: readonly AddressRange[]): boolean {
  return ranges.some((candidate) => rangeContains(candidate, address));
}

function classOf(address: Address): AddressClass {
  if (within(address, LOOPBACK)) return "loopback";
  if (within(address, PRIVATE)) return "private";
  return "public";
}

/** Whether an --allow range lies inside the link-local ranges: only then does it let link-local in. */
function isLinkLocalRange(allowed: AddressRange): boolean {
  return LINK_LOCAL.some((outer) => outer.version === allowed.version && outer.from <= allowed.from && allowed.to <= outer.to);
}

/** `--allow 10.1.0.0/16` (repeatable): what the seeds' scope leaves out and the user wants dialled. */
export function parseAllow(text: string): AddressRange {
  const parsed = text.includes("-") ? null : parseAddressRange(text.trim());
  if (parsed === null) throw new UsageError(`--allow: expected an address or a CIDR range such as 10.1.0.0/16 or fd00::/8, got "${text}"`);
  return parsed;
}

/** The scope of seeds at `seedAddresses` (IP addresses), widened by `allow`. */
export function seedScope(seedAddresses: readonly string[], allow: readonly AddressRange[]): Scope {
  const seeds = seedAddresses.map(parse).filter((address): address is Address => address !== null);
  const classes = new Set<AddressClass>();
  for (const seed of seeds) {
    const seedClass = classOf(seed);
    if (seedClass !== "public") classes.add(seedClass);
  }
  return { seeds, classes, allow };
}

/** Whether busdoctor may dial `host`, a node's claimed IP address; when not, why, in words for a finding. */
export function checkScope(scope: Scope, host: string): ScopeVerdict {
  const address = parse(host);
  if (address === null) return { inScope: false, kind: "host-name", reason: "a host name, which busdoctor does not look up when a node hands it over" };
  for (const [ranges, what] of NEVER) if (within(address, ranges)) return { inScope: false, kind: "special", reason: `${what}, never dialled` };
  if (scope.seeds.some((seed) => seed.version === address.version && seed.value === address.value)) return { inScope: true };
  if (within(address, LINK_LOCAL)) {
    if (scope.allow.some((allowed) => isLinkLocalRange(allowed) && rangeContains(allowed, address))) return { inScope: true };
    return { inScope: false, kind: "link-local", reason: "a link-local address (where cloud metadata services answer), dialled only with an --allow inside 169.254.0.0/16 or fe80::/10" };
  }
  if (within(address, scope.allow)) return { inScope: true };
  const addressClass = classOf(address);
  if (scope.classes.has(addressClass)) return { inScope: true };
  const seedsAre = scope.classes.size === 0 ? "public (only the seeds themselves)" : [...scope.classes].join(" and ");
  return { inScope: false, kind: "outside", reason: `a ${addressClass} address, outside the seeds' scope (${seedsAre}); --allow widens it` };
}
