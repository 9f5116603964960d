#!/usr/bin/env bash
# Records the raw replies busdoctor's parsers read, from a real 6-node redis-server 7.0.15 cluster,
# into test/fixtures/v7.0.15/raw/<scenario>/<ip>_<port>/:
#   cluster_nodes.txt        CLUSTER NODES, the exact bulk string
#   cluster_info.txt         CLUSTER INFO, the exact bulk string (\r\n line ends)
#   info.txt                 INFO server clients cluster replication, the exact bulk string
#   cluster_links.json       CLUSTER LINKS as busdoctor reads it in RESP2 (an array of flat arrays)
#   config_node_timeout.txt  CONFIG GET cluster-node-timeout: the reply's bulk strings, one per line
# healthy/127.0.0.1_6379/ also gets info_everything.txt (INFO everything) for the INFO parser.
#
# Every scenario is a real state of the cluster, waited for by polling with a bound; the script fails
# (and records nothing) if a state is not reached. Faults are nftables rules inside a private network
# namespace; nothing leaves 127.0.0.0/8 in that namespace.
#
# Usage (as root, from anywhere): scripts/record-raw-fixtures.sh
# Needs: redis-server/redis-cli 7.0.15, nft, ip, node + the repo's node_modules (tsx).
set -euo pipefail

NS=busdoctor-rec-raw
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$REPO/test/fixtures/v7.0.15/raw
WORK=/tmp/busdoctor-rec-raw
NODE_TIMEOUT_MS=2000
NODES=(1 2 3 4 5 6)
# The node whose bus port the fault scenarios block (a master at creation time).
FAULTY=3

log() { printf '[%5ss] %s\n' "$SECONDS" "$*" >&2; }
die() { printf 'record-raw-fixtures: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: it creates network namespace $NS and nftables rules in it"
for tool in redis-server redis-cli nft ip node; do
  command -v "$tool" >/dev/null || die "missing $tool (apt-get install redis-server redis-tools nftables; node 20)"
done
redis-server --version | grep -q 'v=7\.0\.15 ' || die "need redis-server 7.0.15, found: $(redis-server --version)"
[ -d "$REPO/node_modules/tsx" ] || die "run npm ci in $REPO first (the recorder runs busdoctor's node client with tsx)"

cli() { local n=$1; shift; redis-cli -h "127.0.0.$n" -p 6379 "$@"; }
now_ms() { date +%s%3N; }

# A stopped daemon is a zombie until its reaper collects it: count that as stopped.
is_running() { local state; state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null); [ -n "$state" ] && [ "$state" != Z ]; }
stop_nodes() { # N...: SIGTERM all (by pidfile), then a bounded wait for each, SIGKILL what is left
  local n pid pids=()
  for n in "$@"; do
    pid=$(cat "$WORK/n$n/pid" 2>/dev/null) || continue
    rm -f "$WORK/n$n/pid"
    # A pidfile left by an earlier run may name a pid since reused: only ever signal a redis-server.
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = redis-server ] || continue
    kill "$pid" 2>/dev/null || true
    pids+=("$pid")
  done
  for pid in ${pids[@]+"${pids[@]}"}; do
    for _ in $(seq 1 50); do is_running "$pid" || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
stop_all_nodes() { stop_nodes "${NODES[@]}"; }

# Outside the namespace: create it, run this script again inside it, always remove it afterwards.
if [ "${1:-}" != --in-namespace ]; then
  INNER=
  cleanup() {
    if [ -n "$INNER" ]; then kill "$INNER" 2>/dev/null || true; wait "$INNER" 2>/dev/null || true; fi
    stop_all_nodes
    if ip netns list | grep -qw "$NS"; then
      ip netns exec "$NS" nft flush ruleset 2>/dev/null || true
      ip netns del "$NS" 2>/dev/null || true
    fi
  }
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  cleanup
  rm -rf "$WORK"; mkdir -p "$WORK"
  ip netns add "$NS"
  ip netns exec "$NS" ip link set lo up
  # In the background so that Ctrl-C or a TERM interrupts `wait` at once and cleanup stops the inner run.
  ip netns exec "$NS" "${BASH_SOURCE[0]}" --in-namespace &
  INNER=$!
  wait "$INNER"
  INNER=
  rm -rf "$OUT"
  mkdir -p "$(dirname "$OUT")"
  cp -r "$WORK/raw" "$OUT"
  rm -rf "$WORK" # kept only when a run fails: node logs, nodes.conf, timeout-views.txt
  log "done: $OUT"
  exit 0
fi

# Inside the namespace from here on: every address below is this namespace's loopback.
trap stop_all_nodes EXIT
trap 'exit 143' TERM

start_node() {
  local n=$1 dir=$WORK/n$1
  mkdir -p "$dir"
  # bind-source-addr: without it outgoing bus connections leave from 127.0.0.1 and per-node rules by
  # source address match nothing. protected-mode no: replicas connect from other addresses.
  # shutdown-timeout 0: a master whose replica is gone would otherwise wait 10 s on SIGTERM.
  redis-server --bind "127.0.0.$n" --bind-source-addr "127.0.0.$n" --port 6379 --protected-mode no \
    --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout "$NODE_TIMEOUT_MS" \
    --cluster-announce-ip "127.0.0.$n" --dir "$dir" --save "" --appendonly no \
    --daemonize yes --logfile "$dir/log" --pidfile "$dir/pid" --shutdown-timeout 0
}

# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND every 100 ms until it succeeds.
wait_for() {
  local what=$1 limit_s=$2 n; shift 2
  local deadline=$(( $(now_ms) + limit_s * 1000 ))
  until "$@"; do
    if (( $(now_ms) >= deadline )); then
      for n in "${NODES[@]}"; do echo "--- 127.0.0.$n at $(now_ms)"; cli "$n" CLUSTER NODES; done >"$WORK/timeout-views.txt" 2>&1
      die "timed out after ${limit_s}s waiting for: $what (every node's CLUSTER NODES: $WORK/timeout-views.txt)"
    fi
    sleep 0.1
  done
}

id_of() { cli "$1" CLUSTER MYID; }
# line_about VIEWER TARGET: the CLUSTER NODES line in VIEWER's view that describes node TARGET.
line_about() { cli "$1" CLUSTER NODES | awk -v a="127.0.0.$2:6379@" 'index($2, a) == 1'; }
cluster_state() { cli "$1" CLUSTER INFO | tr -d '\r' | awk -F: '$1 == "cluster_state" { print $2 }'; }
flags_about() { line_about "$1" "$2" | awk '{ print $3 }'; }
ping_sent_about() { line_about "$1" "$2" | awk '{ print $5 }'; }
is_replica() { [[ $(flags_about "$1" "$1") == *slave* ]]; }
others_than() { local n; for n in "${NODES[@]}"; do [ "$n" = "$1" ] || echo "$n"; done; }

node_is_healthy() {
  local n=$1 nodes
  [ "$(cluster_state "$n")" = ok ] || return 1
  nodes=$(cli "$n" CLUSTER NODES)
  [ "$(grep -c . <<<"$nodes")" = "${#NODES[@]}" ] || return 1
  ! grep -qE 'fail|handshake|noaddr|nofailover|disconnected' <<<"$nodes" || return 1
  # After a heal, links come back only when Redis drops the stale one: until then pings stay pending
  # with no flag at all, and the next scenario would start from a half-broken state.
  [ -z "$(awk -v now="$(now_ms)" '$5 != 0 && now - $5 > 500' <<<"$nodes")" ] || return 1
  if is_replica "$n"; then cli "$n" INFO replication | grep -q 'master_link_status:up' || return 1; fi
}
cluster_is_healthy() { local n; for n in "${NODES[@]}"; do node_is_healthy "$n" || return 1; done; }

# Ping to TARGET pending for at least MIN_MS in VIEWER's view.
ping_pending_for() {
  local viewer=$1 target=$2 min_ms=$3 sent
  sent=$(ping_sent_about "$viewer" "$target")
  [ -n "$sent" ] && [ "$sent" != 0 ] && (( $(now_ms) - sent >= min_ms ))
}
no_failure_flags_anywhere() {
  local n
  for n in "${NODES[@]}"; do
    [ "$(cluster_state "$n")" = ok ] && cli "$n" CLUSTER NODES | awk '$3 ~ /fail/ { bad = 1 } END { exit bad }' || return 1
  done
}

# latent_state in|out: with FAULTY's bus blocked one way, every ping crossing the block (peers' pings to
# FAULTY for `in`, FAULTY's pings to peers for `out`) is pending past the node timeout, yet nobody
# flags anything: Redis 7 counts data arriving over the other direction's link as a sign of life.
latent_state() {
  local n
  for n in $(others_than "$FAULTY"); do
    if [ "$1" = in ]; then ping_pending_for "$n" "$FAULTY" "$NODE_TIMEOUT_MS" || return 1
    else ping_pending_for "$FAULTY" "$n" "$NODE_TIMEOUT_MS" || return 1; fi
  done
  no_failure_flags_anywhere
}
# Both ways, early: some peer's ping to FAULTY is pending, nobody suspects anything yet.
both_early_state() {
  local n pending=0
  for n in $(others_than "$FAULTY"); do ping_pending_for "$n" "$FAULTY" 1 && pending=1; done
  [ "$pending" = 1 ] && no_failure_flags_anywhere
}
# Both ways, settled: every peer flags FAULTY `fail`, its replica was promoted, the majority is ok again.
both_settled_state() {
  local n
  for n in $(others_than "$FAULTY"); do
    [[ ,$(flags_about "$n" "$FAULTY"), == *,fail,* ]] && [ "$(cluster_state "$n")" = ok ] || return 1
  done
  [[ $(flags_about "$FAULTY_REPLICA" "$FAULTY_REPLICA") == *master* ]]
}
# flag_in_views FLAG N...: each node N's view has an entry carrying FLAG.
flag_in_views() {
  local flag=$1 n; shift
  for n in "$@"; do
    cli "$n" CLUSTER NODES | awk -v f="$flag" '{ k = split($3, a, ","); for (i = 1; i <= k; i++) if (a[i] == f) hit = 1 }
      END { exit !hit }' || return 1
  done
}
hostnames_everywhere() { # yes|no: every view shows (or shows no) `,hostname` after every address
  local n count
  for n in "${NODES[@]}"; do
    count=$(cli "$n" CLUSTER NODES | awk '$2 ~ /,/' | wc -l)
    if [ "$1" = yes ]; then [ "$count" = "${#NODES[@]}" ] || return 1; else [ "$count" = 0 ] || return 1; fi
  done
}

nft_block() { # RULE...: one drop rule in the namespace's own input hook
  nft list table inet busdoctor_rec >/dev/null 2>&1 || {
    nft add table inet busdoctor_rec
    nft add chain inet busdoctor_rec input '{ type filter hook input priority 0; }'
  }
  nft add rule inet busdoctor_rec input "$@" drop
}
heal() { nft flush ruleset; wait_for "the cluster to heal" 30 cluster_is_healthy; }

# record SCENARIO [EXTRA_INFO_HOST]: one concurrent pass over every node with busdoctor's own node
# client (src/collect/nodeClient.ts), exactly the replies the collector gets, written byte for byte.
RECORDER_JS='
import { mkdir, writeFile } from "node:fs/promises";
import { openSession } from "./src/collect/nodeClient.ts";
const { REC_DIR, REC_HOSTS, REC_FULL_INFO_HOST } = process.env;
const jsonLines = (items) => (items.length === 0 ? "[]\n" : `[\n${items.map((i) => "  " + JSON.stringify(i)).join(",\n")}\n]\n`);
await Promise.all(REC_HOSTS.split(" ").map(async (host) => {
  const { client } = await openSession(host, 6379, { timeoutMs: 2000, user: null, password: null, tls: null, maxReplyBytes: 64 * 1024 * 1024 });
  if (client === null) throw new Error(`cannot connect to ${host}`);
  try {
    const commands = [["CLUSTER", "NODES"], ["CLUSTER", "INFO"], ["INFO", "server", "clients", "cluster", "replication"], ["CLUSTER", "LINKS"], ["CONFIG", "GET", "cluster-node-timeout"]];
    if (host === REC_FULL_INFO_HOST) commands.push(["INFO", "everything"]);
    const results = await client.pipeline(commands);
    const failed = results.find((result) => !result.ok);
    if (failed) throw new Error(`${host}: ${failed.error}`);
    const [nodes, clusterInfo, info, links, nodeTimeout, infoEverything = null] = results.map((result) => result.reply);
    const dir = `${REC_DIR}/${host}_6379`;
    await mkdir(dir, { recursive: true });
    await writeFile(`${dir}/cluster_nodes.txt`, nodes);
    await writeFile(`${dir}/cluster_info.txt`, clusterInfo);
    await writeFile(`${dir}/info.txt`, info);
    await writeFile(`${dir}/cluster_links.json`, jsonLines(links));
    await writeFile(`${dir}/config_node_timeout.txt`, nodeTimeout.join("\n") + "\n");
    if (infoEverything !== null) await writeFile(`${dir}/info_everything.txt`, infoEverything);
  } finally {
    client.close();
  }
}));
'
record() {
  local scenario=$1 hosts n
  hosts=$(for n in "${NODES[@]}"; do printf '127.0.0.%s ' "$n"; done)
  (cd "$REPO" && REC_DIR="$WORK/raw/$scenario" REC_HOSTS="${hosts% }" REC_FULL_INFO_HOST="${2:-}" \
    node --import tsx --input-type=module -e "$RECORDER_JS") || die "recording $scenario failed"
  log "recorded $scenario"
}

# --- lab --------------------------------------------------------------------------------------------
for n in "${NODES[@]}"; do start_node "$n"; done
all_answer_ping() { local n; for n in "${NODES[@]}"; do [ "$(cli "$n" PING 2>/dev/null)" = PONG ] || return 1; done; }
wait_for "every node to answer PING" 10 all_answer_ping
redis-cli --cluster create $(for n in "${NODES[@]}"; do printf '127.0.0.%s:6379 ' "$n"; done) \
  --cluster-replicas 1 --cluster-yes >"$WORK/create.log" 2>&1 || die "cluster create failed: see $WORK/create.log"
wait_for "a healthy cluster" 30 cluster_is_healthy
is_replica "$FAULTY" && die "node $FAULTY was made a replica; the fault scenarios expect a master"
FAULTY_ID=$(id_of "$FAULTY")
FAULTY_REPLICA=$(for n in "${NODES[@]}"; do
  if [ "$(line_about "$n" "$n" | awk '{ print $4 }')" = "$FAULTY_ID" ]; then echo "$n"; fi
done | head -1)
[ -n "$FAULTY_REPLICA" ] || die "node $FAULTY has no replica"
log "cluster up: node $FAULTY ($FAULTY_ID) is a master, node $FAULTY_REPLICA its replica"

# --- scenarios --------------------------------------------------------------------------------------
record healthy 127.0.0.1

# Slot 100 belongs to node 1: node 2 imports it, node 1 migrates it, as redis-cli --cluster reshard does.
SLOT=100
ID1=$(id_of 1); ID2=$(id_of 2)
[[ $(line_about 1 1) == *" 0-"* ]] || die "slot $SLOT is not on node 1"
cli 2 CLUSTER SETSLOT "$SLOT" IMPORTING "$ID1" >/dev/null
cli 1 CLUSTER SETSLOT "$SLOT" MIGRATING "$ID2" >/dev/null
record slot-migrating
cli 1 CLUSTER SETSLOT "$SLOT" STABLE >/dev/null
cli 2 CLUSTER SETSLOT "$SLOT" STABLE >/dev/null

# cluster-announce-hostname adds `,<hostname>` after `ip:port@cport` in every view (gossiped by ping extension).
for n in "${NODES[@]}"; do cli "$n" CONFIG SET cluster-announce-hostname "redis-$n.busdoctor.test" >/dev/null; done
wait_for "every view to show every node's hostname" 15 hostnames_everywhere yes
record hostnames
for n in "${NODES[@]}"; do cli "$n" CONFIG SET cluster-announce-hostname "" >/dev/null; done
wait_for "every view to drop the hostnames" 15 hostnames_everywhere no

NOFAILOVER=$FAULTY_REPLICA
cli "$NOFAILOVER" CONFIG SET cluster-replica-no-failover yes >/dev/null
wait_for "every node to see nofailover on node $NOFAILOVER" 15 flag_in_views nofailover "${NODES[@]}"
record nofailover
cli "$NOFAILOVER" CONFIG SET cluster-replica-no-failover no >/dev/null
wait_for "a healthy cluster" 15 cluster_is_healthy

# Nothing in the namespace listens on 127.0.0.9's bus port, so the MEET never completes; node 1 drops
# the entry after the handshake timeout (the node timeout), so record at once.
cli 1 CLUSTER MEET 127.0.0.9 6379 >/dev/null
wait_for "node 1 to show a handshake" 2 flag_in_views handshake 1
record handshake
wait_for "the handshake entry to expire" 15 cluster_is_healthy

nft_block ip daddr "127.0.0.$FAULTY" tcp dport 16379
wait_for "peers' pings to node $FAULTY to stay pending (inbound block)" 20 latent_state in
record bus-inbound-blocked
heal

nft_block ip saddr "127.0.0.$FAULTY" tcp dport 16379
wait_for "node $FAULTY's pings to stay pending (outbound block)" 20 latent_state out
record bus-outbound-blocked
heal

nft_block ip daddr "127.0.0.$FAULTY" tcp dport 16379
nft_block ip saddr "127.0.0.$FAULTY" tcp dport 16379
BLOCKED_AT=$(now_ms)
sleep 0.8
wait_for "a pending ping to node $FAULTY (both ways, early)" 2 both_early_state
record bus-both-blocked-early
log "early state recorded $(( $(now_ms) - BLOCKED_AT )) ms after the rule"
grep -q 'fail' "$WORK"/raw/bus-both-blocked-early/*/cluster_nodes.txt && die "the early recording already shows a failure flag"
wait_for "peers to flag node $FAULTY fail and promote node $FAULTY_REPLICA (both ways)" 30 both_settled_state
record bus-both-blocked
heal

# noaddr: a node's address now answers with another node id (the process was replaced by a fresh one
# with an empty nodes.conf). Peers clear the old entry's address: `:0@0 ... noaddr`.
REPLACED=6
is_replica "$REPLACED" || die "node $REPLACED is not a replica; the noaddr scenario replaces a replica"
stop_nodes "$REPLACED"
rm -f "$WORK/n$REPLACED/nodes.conf"
start_node "$REPLACED"
wait_for "peers to flag node $REPLACED's old id noaddr" 30 flag_in_views noaddr $(others_than "$REPLACED")
record noaddr
