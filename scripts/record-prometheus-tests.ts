// Records the series prometheus/tests/recorded-*.test.yml feed to `promtool test rules`: a real 6-node
// lab (node timeout 5000 ms), `busdoctor watch --listen` inside it, its /metrics scraped every second
// while client connections come and go, then one master's bus port blocked both ways for 45 s and healed.
// The raw scrapes of the metrics the rules read are kept (prometheus/tests/recorded/<name>.json.gz); the
// test file is written from them with assertions from what each rule's comment promises, placed by the
// fault's known times (not by what the rules did).
// Run as root after `npm run build`:
//   npx tsx scripts/record-prometheus-tests.ts              record again and write the test file
//   npx tsx scripts/record-prometheus-tests.ts --rewrite    only write the test file from the recording
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { stringify } from "yaml";
import { Lab } from "../src/lab/index.js";
import { Background, sleep } from "../test/support/background.js";

const TESTS_DIR = fileURLToPath(new URL("../prometheus/tests/", import.meta.url));
const NAME = "bus-blocked";
const CLUSTER = "lab";
const JOB = { job: "busdoctor", instance: "127.0.0.1:9464" };
const FAULTY = 3;
const SECONDS = { before: 20, during: 45, after: 40 };

/** The metric families the rules read (and connected_clients, to show the churn they must ignore). */
const FAMILIES = [
  "busdoctor_incident_info",
  "busdoctor_node_up",
  "busdoctor_cluster_state_ok",
  "busdoctor_cluster_slots_pfail",
  "busdoctor_cluster_slots_fail",
  "busdoctor_cluster_known_nodes",
  "busdoctor_connected_clients",
  "busdoctor_cluster_messages_received_total",
  "busdoctor_cluster_messages_sent_total",
  "busdoctor_bus_ping_pending_seconds",
];

/** Series by their promtool selector text, one value (or null: absent) per second. */
interface RecordedSeries {
  faulty: string;
  /** Seconds from the first scrape to the fault's rule in place, and to the heal. */
  faultAt: number;
  healAt: number;
  steps: number;
  series: Record<string, Array<number | null>>;
}

/** Every second inside the lab: one JSON line per scrape of busdoctor's /metrics. */
const SCRAPER = `setInterval(async () => { const at = Date.now(); try { const r = await fetch("http://127.0.0.1:9464/metrics"); console.log(JSON.stringify({ at, text: await r.text() })); } catch {} }, 1000);`;
/** A new client connection to every node every ~0.2 s: connected_clients keeps moving. */
const CHURN = "while :; do for n in 1 2 3 4 5 6; do redis-cli -h 127.0.0.$n -p 6379 ping >/dev/null; done; sleep 0.1; done";

function selector(name: string, labels: Record<string, string>): string {
  const all = { ...JOB, ...labels };
  return `${name}{${Object.entries(all)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(",")}}`;
}

async function record(): Promise<RecordedSeries> {
  const lab = await Lab.up({ name: "prom-record", nodeTimeoutMs: 5000 });
  const programs: Background[] = [];
  try {
    programs.push(new Background(lab.busdoctorArgv(["watch", lab.node(1).endpoint, "--cluster-name", CLUSTER, "--listen", "127.0.0.1:9464", "--no-history"])));
    await sleep(3000);
    const scraper = new Background(lab.namespaceArgv([process.execPath, "-e", SCRAPER]));
    programs.push(scraper, new Background(lab.namespaceArgv(["sh", "-c", CHURN])));
    await sleep(SECONDS.before * 1000);
    await lab.fault({ kind: "bus", node: FAULTY, direction: "both", action: "drop" });
    const faultAt = Date.now();
    await sleep(SECONDS.during * 1000);
    await lab.heal();
    const healAt = Date.now();
    await sleep(SECONDS.after * 1000);
    const scrapes = scraper.stdout.map(({ line }) => JSON.parse(line) as { at: number; text: string });
    const first = scrapes[0]?.at ?? 0;
    const steps = Math.round(((scrapes.at(-1)?.at ?? 0) - first) / 1000) + 1;
    const series: Record<string, Array<number | null>> = {};
    for (const scrape of scrapes) {
      const step = Math.round((scrape.at - first) / 1000);
      for (const family of parsePrometheusTextFormat(scrape.text).filter((candidate) => FAMILIES.includes(candidate.name))) {
        for (const sample of family.metrics) {
          const key = selector(family.name, sample.labels ?? {});
          const values = (series[key] ??= Array.from({ length: steps }, () => null));
          values[step] = Number(sample.value);
        }
      }
    }
    return { faulty: lab.node(FAULTY).endpoint, faultAt: (faultAt - first) / 1000, healAt: (healAt - first) / 1000, steps, series };
  } finally {
    for (const program of programs) await program.stop();
    await lab.down();
  }
}

/** promtool's expanding notation: runs of a value as `vxN`, gaps as `_xN`, `stale` where a series went. */
function promtoolValues(values: ReadonlyArray<number | null>): string {
  const tokens: string[] = [];
  let seen = false;
  for (const value of values) {
    if (value !== null) tokens.push(String(value));
    else tokens.push(seen && tokens.at(-1) !== "_" && tokens.at(-1) !== "stale" ? "stale" : "_");
    seen ||= value !== null;
  }
  const runs: string[] = [];
  for (let start = 0; start < tokens.length; ) {
    let end = start;
    while (end + 1 < tokens.length && tokens[end + 1] === tokens[start] && tokens[start] !== "stale") end += 1;
    const token = tokens[start] ?? "_";
    const count = end - start + 1;
    runs.push(count === 1 ? token : token === "_" ? `_x${count}` : `${token}x${count - 1}`);
    start = end + 1;
  }
  return runs.join(" ");
}

type Labels = Record<string, string>;

function parseSelector(text: string): { name: string; labels: Labels } {
  const open = text.indexOf("{");
  const labels: Labels = {};
  for (const match of text.slice(open + 1, -1).matchAll(/(\w+)=("(?:[^"\\]|\\.)*")/g)) labels[match[1] ?? ""] = JSON.parse(match[2] ?? '""') as string;
  return { name: text.slice(0, open), labels };
}

function writeTest(recording: RecordedSeries): void {
  const { faulty, steps } = recording;
  const fault = Math.ceil(recording.faultAt);
  const heal = Math.ceil(recording.healAt);
  const end = steps - 1;
  const range = (from: number, to: number, every = 1): number[] =>
    Array.from({ length: Math.max(0, Math.floor((to - from) / every) + 1) }, (_, i) => from + i * every);
  const only = (severity: string, summary: string) => ({ exp_labels: { cluster: CLUSTER, node: faulty, severity }, exp_annotations: { summary } });
  const alertTests: Array<{ eval_time: string; alertname: string; exp_alerts: unknown[] }> = [];
  const at = (seconds: number): string => `${seconds}s`;
  const expect = (alertname: string, times: number[], alerts: unknown[]): void => {
    for (const time of times) alertTests.push({ eval_time: at(time), alertname, exp_alerts: alerts });
  };
  const exprTests: Array<{ expr: string; eval_time: string; exp_samples: unknown[] }> = [];
  const never = (selectorText: string, until: number): void => {
    exprTests.push({ expr: `count_over_time(${selectorText}[${until + 1}s])`, eval_time: at(until), exp_samples: [] });
  };

  // Before the fault: nothing at all.
  never("ALERTS", fault - 1);

  // BusdoctorIncident: one alert about the blocked node from within 5 s of the fault, its annotations
  // as busdoctor_incident_info says at that moment; no alert about any other node, before or after the
  // heal; one unbroken firing run (a heal that paged again would break it or add another node).
  const infoSeries = Object.entries(recording.series)
    .filter(([key]) => key.startsWith("busdoctor_incident_info{"))
    .map(([key, values]) => ({ labels: parseSelector(key).labels, values }));
  const infoAt = (step: number): Labels | null =>
    infoSeries.find((series) => series.values[step] !== null && series.values[step] !== undefined)?.labels ?? null;
  for (const time of range(fault + 5, heal - 1)) {
    const info = infoAt(time);
    if (info === null) throw new Error(`no busdoctor_incident_info at ${time} s, during the fault: the recording shows no incident`);
    const { incident = "", cause = "", severity = "", phase = "", nodes = "", summary = "", check = "" } = info;
    alertTests.push({
      eval_time: at(time),
      alertname: "BusdoctorIncident",
      exp_alerts: [{ exp_labels: { cluster: CLUSTER, node: faulty }, exp_annotations: { incident, cause, severity, phase, nodes, summary, check } }],
    });
  }
  never(`ALERTS{alertname="BusdoctorIncident",node!=${JSON.stringify(faulty)}}`, end);
  const present = range(0, end).filter((step) => infoAt(step) !== null);
  const firstPresent = present[0] ?? 0;
  const lastPresent = present.at(-1) ?? 0;
  exprTests.push({
    expr: `count_over_time(ALERTS{alertname="BusdoctorIncident",alertstate="firing"}[${end + 1}s])`,
    eval_time: at(end),
    exp_samples: [
      { labels: `{alertname="BusdoctorIncident",alertstate="firing",cluster="${CLUSTER}",node="${faulty}"}`, value: lastPresent - firstPresent + 1 },
    ],
  });
  expect("BusdoctorIncident", range(heal + 30, end, 5), []);

  // RedisClusterBusPingPending: the blocked node only, though its own PINGs to the others pend too.
  expect("RedisClusterBusPingPending", range(fault + 15, heal - 1), [
    only("warning", `Most peers' PINGs to ${faulty} on the cluster bus have waited over 1 s for a PONG`),
  ]);
  never(`ALERTS{alertname="RedisClusterBusPingPending",node!=${JSON.stringify(faulty)}}`, end);
  expect("RedisClusterBusPingPending", range(heal + 15, end, 5), []);

  // RedisClusterGossipAsymmetry: from 15 s into the block until the heal, though the node stops sending.
  expect("RedisClusterGossipAsymmetry", range(fault + 15, heal - 1), [only("warning", `${faulty} receives no cluster bus messages while its peers do`)]);
  never(`ALERTS{alertname="RedisClusterGossipAsymmetry",node!=${JSON.stringify(faulty)}}`, end);
  expect("RedisClusterGossipAsymmetry", range(heal + 15, end, 5), []);

  // RedisClusterClientsUpClusterDown: the isolated node, every second from 25 s into the block (its
  // node timeout, then 15 s of fail) until the heal, while client connections come and go; the others'
  // cluster_state:fail before the failover is too short to count.
  expect("RedisClusterClientsUpClusterDown", range(fault + 25, heal - 1), [
    only("critical", `${faulty} answers its clients but reports cluster_state:fail: check the cluster bus port`),
  ]);
  never(`ALERTS{alertname="RedisClusterClientsUpClusterDown",node!=${JSON.stringify(faulty)}}`, end);
  expect("RedisClusterClientsUpClusterDown", range(heal + 15, end, 5), []);

  // RedisClusterSlotsPfail: the isolated node's count of the others' slots grew, then stays flat until
  // the heal: firing all along; the others' PFAIL became FAIL and left.
  expect("RedisClusterSlotsPfail", range(fault + 15, heal - 1, 5), [only("warning", `${faulty} holds slots in PFAIL: it suspects a master is down`)]);
  expect("RedisClusterSlotsPfail", range(heal + 15, end, 5), []);

  // RedisClusterStateFail: after the failover only the isolated node; RedisClusterSlotsFail: nobody.
  expect("RedisClusterStateFail", range(fault + 20, heal - 1, 5), [only("critical", `${faulty} reports cluster_state:fail: its clients get CLUSTERDOWN`)]);
  expect("RedisClusterStateFail", range(heal + 15, end, 5), []);
  expect("RedisClusterSlotsFail", range(fault + 20, end, 5), []);

  // RedisClusterKnownNodesLow: every node knows every node all along.
  never('ALERTS{alertname="RedisClusterKnownNodesLow"}', end);

  const file = {
    rule_files: ["../busdoctor-alerts.yml"],
    evaluation_interval: "1s",
    tests: [
      {
        interval: "1s",
        input_series: Object.entries(recording.series).map(([series, values]) => ({ series, values: promtoolValues(values) })),
        alert_rule_test: alertTests,
        promql_expr_test: exprTests,
      },
    ],
  };
  const header = [
    `# promtool test rules for prometheus/busdoctor-alerts.yml on series recorded from a real fault: a 6-node lab`,
    `# (node timeout 5000 ms), client connections coming and going; ${faulty}'s bus port blocked both ways at`,
    `# ${recording.faultAt.toFixed(1)} s, healed at ${recording.healAt.toFixed(1)} s (times from the first scrape, one scrape per second).`,
    `# Written by scripts/record-prometheus-tests.ts from prometheus/tests/recorded/${NAME}.json.gz: do not edit.`,
    `# Run: promtool test rules prometheus/tests/*.test.yml`,
    "",
  ].join("\n");
  writeFileSync(join(TESTS_DIR, `recorded-${NAME}.test.yml`), header + stringify(file, { lineWidth: 0 }));
}

const raw = join(TESTS_DIR, "recorded", `${NAME}.json.gz`);
let recording: RecordedSeries;
if (process.argv.includes("--rewrite")) {
  recording = JSON.parse(gunzipSync(readFileSync(raw)).toString("utf8")) as RecordedSeries;
} else {
  recording = await record();
  mkdirSync(join(TESTS_DIR, "recorded"), { recursive: true });
  writeFileSync(raw, gzipSync(JSON.stringify(recording)));
}
writeTest(recording);
console.log(
  `recorded-${NAME}.test.yml: ${Object.keys(recording.series).length} series over ${recording.steps} s (fault at ${recording.faultAt.toFixed(1)} s, heal at ${recording.healAt.toFixed(1)} s)`,
);
