// ADDRESS_OUT_OF_SCOPE: some node listed addresses busdoctor did not dial (nor send credentials to),
// because they lie outside the scope of the seeds (src/cluster/scope.ts): 169.254.169.254:80, a public
// address from a loopback seed, a host name, 0.0.0.0; or only a long chain of views leads to them. Either the cluster spans networks the seeds do
// not (NAT, nodes announcing another interface), a node is misconfigured (cluster-announce-ip), or a
// node is hostile; in every case the diagnosis covers only the nodes it could read. The collector
// records the skipped addresses in the snapshot (`outOfScope`); this rule only reads them.
import type { SkippedAddress } from "../../model/snapshot.js";
import { hostOf } from "../../cluster/address.js";
import type { Rule } from "../rule.js";

/** Evidence lines shown; the summary counts them all. */
const SHOWN = 10;

/** `--allow` ranges that would take in the skipped IP addresses: each one's /24 (IPv4) or /64 (IPv6). */
function allowRanges(skipped: readonly SkippedAddress[]): string[] {
  const ranges = new Set<string>();
  for (const { address, kind } of skipped) {
    // Only addresses the seeds' scope left out can be allowed this way; the others are never dialled.
    if (kind !== "outside") continue;
    const host = hostOf(address);
    if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) ranges.add(`${host.split(".").slice(0, 3).join(".")}.0/24`);
    else if (host.includes(":")) ranges.add(`${host}/128`);
  }
  return [...ranges].slice(0, 5);
}

export const addressOutOfScope: Rule = {
  code: "ADDRESS_OUT_OF_SCOPE",
  kind: "cause",
  check({ analysis }) {
    const skipped = analysis.outOfScope;
    if (skipped.length === 0) return [];
    const observers = [...new Set(skipped.flatMap((entry) => entry.listedBy))].sort();
    const ranges = allowRanges(skipped);
    return [
      {
        code: "ADDRESS_OUT_OF_SCOPE",
        severity: "warning",
        nodes: observers,
        summary: `${skipped.length} listed address${skipped.length === 1 ? " was" : "es were"} not dialled: ${skipped
          .slice(0, 3)
          .map((entry) => entry.address)
          .join(", ")}${skipped.length > 3 ? ", ..." : ""}; the diagnosis does not cover ${skipped.length === 1 ? "it" : "them"}`,
        evidence: skipped.slice(0, SHOWN).map((entry) => ({
          source: entry.listedBy[0] ?? "busdoctor",
          what: `CLUSTER NODES${entry.listedBy.length > 1 ? ` (and ${entry.listedBy.length - 1} other view${entry.listedBy.length > 2 ? "s" : ""})` : ""}`,
          detail: `${entry.address}: ${entry.reason}`,
        })),
        explanation:
          "busdoctor dials only addresses like its seeds' (loopback seeds: loopback addresses; private seeds: private ranges; a public seed: itself), and never this host's 0.0.0.0, broadcast, multicast, link-local addresses or host names handed over by a node, so that a node's claim cannot make it connect, with your credentials, anywhere else; nor does it follow a chain of views more than a few nodes deep. These addresses were listed by the nodes named here. If they are real cluster nodes (reached over NAT or another network), allow their range; if not, find out why those nodes list them (cluster-announce-ip, CLUSTER MEET of a wrong address, or a node that is not what it seems).",
        fix:
          ranges.length === 0
            ? []
            : [
                {
                  where: "busdoctor",
                  lines: [
                    `busdoctor check ${observers[0] ?? "<seed>"} ${ranges.map((range) => `--allow ${range}`).join(" ")}   # only if these are your nodes`,
                  ],
                },
              ],
      },
    ];
  },
};
