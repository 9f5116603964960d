// Lint time and peak memory on two generated inputs, through the CLI as a user runs it:
//   - a tree of 5,000 Kubernetes manifests (500 releases of 10 files, one in five with a NetworkPolicy
//     that forgets the bus port);
//   - one 50 MB multi-document manifest (the same releases, rendered into one file, as `helm template`
//     of many releases or `kubectl get -o yaml` of a big namespace gives).
// Targets (issue #10): the 50 MB file under 30 s and under 500 MB.
// Run: npx tsx bench/lint.ts [--baseline DIR] [--baseline-timeout SECONDS]
//   --baseline DIR  also runs the busdoctor checkout in DIR (e.g. the base commit, from
//                   `git archive <commit> | tar -x -C DIR` with node_modules linked) on the same inputs,
//                   and prints both side by side.
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

const RELEASES = 500;
const BIG_FILE_BYTES = 50 * 1024 * 1024;
const TARGET = { seconds: 30, megabytes: 500 };

function labels(name: string): string {
  return `app.kubernetes.io/name: redis-cluster\n      app.kubernetes.io/instance: ${name}`;
}

/** The ten files of one release; `broken` drops the bus port from the NetworkPolicy. */
function release(name: string, broken: boolean): Record<string, string> {
  const busPort = broken ? "" : "\n        - port: 16379";
  const selector = labels(name).replace("\n      ", "\n    ");
  return {
    "networkpolicy.yaml": `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
spec:
  podSelector:
    matchLabels:
      ${labels(name)}
  policyTypes: [Ingress, Egress]
  ingress:
    - ports:
        - port: 6379${busPort}
      from:
        - podSelector:
            matchLabels:
              ${labels(name).replace("\n      ", "\n              ")}
  egress:
    - ports:
        - port: 6379${busPort}
    - ports:
        - port: 53
          protocol: UDP
`,
    "headless-svc.yaml": `apiVersion: v1
kind: Service
metadata:
  name: ${name}-headless
spec:
  clusterIP: None
  ports:
    - name: tcp-redis
      port: 6379
      targetPort: tcp-redis
    - name: tcp-redis-bus
      port: 16379
      targetPort: tcp-redis-bus
  selector:
    ${selector}
`,
    "svc.yaml": `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  ports:
    - name: tcp-redis
      port: 6379
      targetPort: tcp-redis
  selector:
    ${selector}
`,
    "statefulset.yaml": `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${name}
spec:
  replicas: 6
  serviceName: ${name}-headless
  selector:
    matchLabels:
      ${labels(name)}
  template:
    metadata:
      labels:
        ${labels(name).replace("\n      ", "\n        ")}
    spec:
      containers:
        - name: redis
          image: docker.io/bitnami/redis-cluster:7.2.4
          env:
            - name: REDIS_NODES
              value: "${name}-0.${name}-headless ${name}-1.${name}-headless ${name}-2.${name}-headless"
            - name: REDIS_PORT_NUMBER
              value: "6379"
          ports:
            - name: tcp-redis
              containerPort: 6379
            - name: tcp-redis-bus
              containerPort: 16379
          volumeMounts:
            - name: default-config
              mountPath: /opt/bitnami/redis/etc/redis-default.conf
              subPath: redis-default.conf
      volumes:
        - name: default-config
          configMap:
            name: ${name}-default
`,
    "configmap.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-default
data:
  redis-default.conf: |-
    bind 0.0.0.0
    protected-mode no
    port 6379
    tcp-backlog 511
    timeout 0
    tcp-keepalive 300
    daemonize no
    appendonly yes
`,
    "pdb.yaml": `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      ${labels(name)}
`,
    "serviceaccount.yaml": `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
automountServiceAccountToken: false
`,
    "secret.yaml": `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
type: Opaque
data:
  redis-password: c2VjcmV0
`,
    "app-deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}-api
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${name}-api
  template:
    metadata:
      labels:
        app: ${name}-api
    spec:
      containers:
        - name: api
          image: registry.example.com/${name}-api:1.4.2
          env:
            - name: REDIS_URL
              value: redis://${name}:6379
          ports:
            - containerPort: 8080
`,
    "app-svc.yaml": `apiVersion: v1
kind: Service
metadata:
  name: ${name}-api
spec:
  ports:
    - port: 80
      targetPort: 8080
  selector:
    app: ${name}-api
`,
  };
}

function generateTree(root: string): number {
  let files = 0;
  for (let i = 0; i < RELEASES; i++) {
    const name = `cache-${String(i).padStart(3, "0")}`;
    const dir = join(root, `team-${i % 20}`, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(release(name, i % 5 === 0))) {
      writeFileSync(join(dir, file), text);
      files++;
    }
  }
  return files;
}

/** Releases rendered into one multi-document file until it is 50 MB; returns how many are broken. */
function generateBigFile(path: string): { releases: number; broken: number } {
  writeFileSync(path, "");
  let size = 0;
  let releases = 0;
  let broken = 0;
  while (size < BIG_FILE_BYTES) {
    const name = `cache-${String(releases).padStart(6, "0")}`;
    const isBroken = releases % 5 === 0;
    const text = Object.values(release(name, isBroken))
      .map((document) => `---\n${document}`)
      .join("");
    appendFileSync(path, text);
    size += Buffer.byteLength(text);
    releases++;
    if (isBroken) broken++;
  }
  return { releases, broken };
}

/** Loaded into the CLI's process: reports its peak resident memory when it exits. */
const PEAK_REPORTER = `process.on("exit", () => process.stderr.write("\\nBENCH_PEAK_RSS_KB=" + process.resourceUsage().maxRSS + "\\n"));\n`;

interface Run {
  seconds: number;
  peakMegabytes: number | null;
  exit: number | null;
  findings: number | null;
  timedOut: boolean;
}

function runCli(checkout: string, reporter: string, target: string, timeoutSeconds: number): Promise<Run> {
  return new Promise((resolveRun) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--import", "tsx", "--import", reporter, join(checkout, "src/cli/main.ts"), "lint", "--json", target], {
      cwd: checkout,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutSeconds * 1000);
    child.on("close", (code) => {
      clearTimeout(timer);
      const peak = /BENCH_PEAK_RSS_KB=(\d+)/.exec(stderr)?.[1];
      let findings: number | null = null;
      try {
        findings = (JSON.parse(stdout) as { findings: unknown[] }).findings.length;
      } catch {
        findings = null;
      }
      resolveRun({
        seconds: (performance.now() - started) / 1000,
        peakMegabytes: peak === undefined ? null : Number(peak) / 1024,
        exit: code,
        findings,
        timedOut,
      });
    });
  });
}

function describeRun(run: Run): string {
  if (run.timedOut) return `did not finish within the timeout (${run.seconds.toFixed(0)} s)`;
  const memory = run.peakMegabytes === null ? "peak ? MB" : `peak ${run.peakMegabytes.toFixed(0)} MB`;
  return `${run.seconds.toFixed(1)} s, ${memory}, exit ${run.exit}, ${run.findings ?? "?"} findings`;
}

const { values } = parseArgs({ options: { baseline: { type: "string" }, "baseline-timeout": { type: "string", default: "600" } } });
const here = resolve(".");
const scratch = mkdtempSync(join(tmpdir(), "busdoctor-lint-bench-"));
try {
  const reporter = join(scratch, "peak.mjs");
  writeFileSync(reporter, PEAK_REPORTER);
  const tree = join(scratch, "tree");
  const files = generateTree(tree);
  const big = join(scratch, "big.yaml");
  const { releases, broken } = generateBigFile(big);
  const bigMegabytes = statSync(big).size / (1024 * 1024);
  const checkouts: [string, string][] = [["this checkout", here]];
  if (values.baseline) checkouts.push(["baseline", resolve(values.baseline)]);
  const lines = [
    `inputs: ${files} manifests in ${RELEASES} folders (expect ${(RELEASES / 5) * 2} findings); one ${bigMegabytes.toFixed(1)} MB file of ${releases} releases (expect ${broken * 2} findings)`,
    "",
  ];
  for (const [label, checkout] of checkouts) {
    const timeout = label === "baseline" ? Number(values["baseline-timeout"]) : 600;
    const treeRun = await runCli(checkout, reporter, tree, timeout);
    const bigRun = await runCli(checkout, reporter, big, timeout);
    lines.push(`${label} (${checkout})`);
    lines.push(`  5,000 manifests:  ${describeRun(treeRun)}`);
    lines.push(`  50 MB manifest:   ${describeRun(bigRun)}`);
    if (label === "this checkout") {
      const met = !bigRun.timedOut && bigRun.seconds < TARGET.seconds && (bigRun.peakMegabytes ?? Infinity) < TARGET.megabytes;
      lines.push(`  target (50 MB < ${TARGET.seconds} s and < ${TARGET.megabytes} MB): ${met ? "met" : "MISSED"}`);
    }
  }
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
