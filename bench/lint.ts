// Lint throughput: a generated tree of 5,000 Kubernetes manifests (500 releases of 10 files each,
// one in five with a NetworkPolicy that forgets the bus port), timed in-process and through the CLI.
// Run: npx tsx bench/lint.ts   (target: under 5 s for the whole tree)
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { lint } from "../src/lint/lint.js";
import { loadSources } from "../src/lint/load.js";

const RELEASES = 500;
const TARGET_MS = 5000;

function labels(name: string): string {
  return `app.kubernetes.io/name: redis-cluster\n      app.kubernetes.io/instance: ${name}`;
}

/** The ten files of one release; `broken` drops the bus port from the NetworkPolicy. */
function release(name: string, broken: boolean): Record<string, string> {
  const busPort = broken ? "" : "\n        - port: 16379";
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
    ${labels(name).replace("\n      ", "\n    ")}
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
    ${labels(name).replace("\n      ", "\n    ")}
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

function generate(root: string): number {
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

function ms(start: number): number {
  return Math.round(performance.now() - start);
}

const root = mkdtempSync(join(tmpdir(), "busdoctor-lint-bench-"));
try {
  const files = generate(root);
  const loadStart = performance.now();
  const sources = await loadSources([root]);
  const loadMs = ms(loadStart);
  const lintStart = performance.now();
  const result = lint(sources);
  const lintMs = ms(lintStart);
  const cliStart = performance.now();
  const cli = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "lint", "--json", root], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const cliMs = ms(cliStart);
  const cliFindings = (JSON.parse(cli.stdout) as { findings: unknown[] }).findings.length;
  const total = loadMs + lintMs;
  process.stdout.write(
    [
      `manifests generated:      ${files} (${RELEASES} folders)`,
      `files read by lint:       ${result.read.length}`,
      `findings:                 ${result.findings.length} (expected ${(RELEASES / 5) * 2}: ingress and egress of every fifth release)`,
      `read files (I/O):         ${loadMs} ms`,
      `parse + rules (pure):     ${lintMs} ms`,
      `in-process total:         ${total} ms  (${Math.round((files / total) * 1000)} manifests/s)`,
      `CLI end to end (tsx):     ${cliMs} ms, exit ${cli.status}, ${cliFindings} findings`,
      `target:                   < ${TARGET_MS} ms -> ${Math.max(total, cliMs) < TARGET_MS ? "met" : "MISSED"}`,
      "",
    ].join("\n"),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
