// A TLS cluster (tls-port only, tls-cluster yes, tls-replication yes, certificates the lab made) whose
// nodes announce hostnames, with Debian's redis-server (built with TLS): check and watch read it over
// TLS, verify each discovered node's certificate against its announced hostname, and name a blocked
// TLS bus port.
import { afterAll, describe, expect, it } from "vitest";
import { leafCommand, nodeCertFiles } from "../../src/lab/certs.js";
import { runOrThrow } from "../../src/lab/run.js";
import type { AlertEventJson } from "../../src/watch/render.js";
import { waitFor, waitUntilCut } from "../support/observe.js";
import { Background } from "./support/background.js";
import { useLab } from "./support/lab.js";

const lab = useLab({ name: "tls-e2e", tls: true, hostnames: true, nodeTimeoutMs: 2000 });
const FAULTY = 3;
const hostname = (index: number): string => `redis-${index}.tls-e2e.busdoctor.test`;

interface JsonReport {
  health: string;
  rootCause: { code: string; nodes: string[] } | null;
  nodes: Array<{ address: string; hostname: string | null; response: { kind: string } }>;
}

async function check(): Promise<{ code: number; report: JsonReport }> {
  const result = await lab().runBusdoctor(["check", lab().node(1).endpoint, "--json", "--timeout", "1000", ...lab().tlsArgs], { timeoutMs: 30_000 });
  return { code: result.code, report: JSON.parse(result.stdout) as JsonReport };
}

/** A TLS handshake with node `index` from inside the lab, verifying against the lab's CA: "ok" or the error code. */
async function handshake(index: number, servername?: string): Promise<string> {
  const script = `
const tls = require("node:tls"), fs = require("node:fs");
const [host, port, ca, servername] = process.argv.slice(1);
const socket = tls.connect({ host, port: Number(port), ca: fs.readFileSync(ca), ...(servername ? { servername } : {}) });
socket.on("secureConnect", () => { process.stdout.write("ok"); socket.destroy(); });
socket.on("error", (error) => process.stdout.write(error.code ?? error.message));`;
  const node = lab().node(index);
  const ca = lab().tlsFiles?.caFile ?? "";
  const result = await lab().exec([process.execPath, "-e", script, node.address, String(node.port), ca, servername ?? ""], { timeoutMs: 10_000 });
  return result.stdout;
}

describe("a TLS cluster with hostnames", () => {
  it("checks healthy over TLS, each node shown with its hostname", async () => {
    const { code, report } = await check();
    expect(report.health).toBe("healthy");
    expect(code).toBe(0);
    expect(report.nodes.map((node) => [node.address, node.hostname])).toEqual(lab().nodes.map((node) => [node.endpoint, hostname(node.index)]));
  });

  it("verifies a discovered node's certificate against its announced hostname, not its address", async () => {
    // Node 2 gets a certificate that names only its hostname, as certificates from a DNS-based CA do.
    const files = lab().tlsFiles;
    if (files === null) throw new Error("not a TLS lab");
    const { certFile, keyFile } = nodeCertFiles(lab().node(2));
    await runOrThrow(leafCommand(files, certFile, keyFile, hostname(2), [hostname(2)]), { timeoutMs: 30_000 });
    await lab().kill(2);
    await lab().restart(2);
    await lab().waitUntilSettled();
    // Verified against the address, it fails; against the hostname, it holds.
    expect(await handshake(2)).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    expect(await handshake(2, hostname(2))).toBe("ok");
    const { report } = await check();
    expect(report.nodes.find((node) => node.address === lab().node(2).endpoint)?.response.kind).toBe("answering");
    expect(report.health).toBe("healthy");
  });

  it("check names a blocked TLS bus port", async () => {
    await lab().fault({ kind: "bus", node: FAULTY, direction: "both", action: "drop" });
    const others = lab()
      .nodes.filter((node) => node.index !== FAULTY)
      .map((node) => node.index);
    await waitUntilCut(
      lab(),
      others.map((other): [number, number] => [other, FAULTY]),
      1500,
    );
    const { code, report } = await check();
    expect(report.rootCause).toMatchObject({ code: "BUS_PORT_BLOCKED", nodes: [lab().node(FAULTY).endpoint] });
    expect(code).toBe(2);
    await lab().heal();
    await lab().waitUntilSettled();
  });

  describe("watch", () => {
    let watch: Background | null = null;
    afterAll(async () => {
      await watch?.stop();
    });

    it("names a blocked TLS bus port", async () => {
      watch = new Background(lab().busdoctorArgv(["watch", lab().node(1).endpoint, "--json", "--timeout", "1000", ...lab().tlsArgs]));
      await waitFor("watch samples every node", async () => watch?.stderr.some((line) => line.includes("watching")) === true, 20_000);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const events = (): AlertEventJson[] => (watch?.lines ?? []).filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as AlertEventJson);
      expect(events()).toEqual([]);
      await lab().fault({ kind: "bus", node: FAULTY, direction: "both", action: "drop" });
      const faulty = lab().node(FAULTY).endpoint;
      await waitFor("an alert names BUS_PORT_BLOCKED on node 3", async () =>
        events().some((event) => event.event === "firing" && event.cause?.code === "BUS_PORT_BLOCKED" && event.cause.nodes.includes(faulty)),
      );
      expect(events().find((event) => event.event === "firing")?.nodes).toEqual([faulty]);
      await lab().heal();
      await lab().waitUntilSettled();
    });
  });
});
