// The certificates of a TLS lab, made with the openssl command line (OpenSSL 3): a CA of its own, a
// certificate per node naming its address (and its hostname, when the lab announces one), which the
// node also presents as a client on the bus, and one for tools. They live in the lab's state dir
// and vanish with it.
import { mkdir } from "node:fs/promises";
import { isIP } from "node:net";
import { dirname, join } from "node:path";
import type { LabNode } from "./layout.js";
import { runOrThrow } from "./run.js";

export interface LabTlsFiles {
  caFile: string;
  caKeyFile: string;
  /** For tools (`busdoctor check --cert`); the lab's nodes accept clients without one as well. */
  clientCertFile: string;
  clientKeyFile: string;
}

export function labTlsFiles(stateDir: string): LabTlsFiles {
  const dir = join(stateDir, "tls");
  return {
    caFile: join(dir, "ca.crt"),
    caKeyFile: join(dir, "ca.key"),
    clientCertFile: join(dir, "client.crt"),
    clientKeyFile: join(dir, "client.key"),
  };
}

export function nodeCertFiles(node: Pick<LabNode, "dir">): { certFile: string; keyFile: string } {
  return { certFile: join(node.dir, "tls.crt"), keyFile: join(node.dir, "tls.key") };
}

/** A fresh P-256 key and a certificate valid for a week: the lab is a rehearsal, not a deployment. */
const NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "7"];

/** The openssl command that makes the CA. */
export function caCommand(files: LabTlsFiles, labName: string): string[] {
  return ["openssl", "req", "-x509", ...NEW_KEY, "-keyout", files.caKeyFile, "-out", files.caFile, "-subj", `/CN=busdoctor lab ${labName} CA`];
}

/**
 * The openssl command that makes one certificate signed by the CA. `names` become its subjectAltName:
 * addresses as IP entries, anything else as DNS entries; no names makes a client-only certificate.
 */
export function leafCommand(files: LabTlsFiles, certFile: string, keyFile: string, subject: string, names: readonly string[]): string[] {
  const altNames = names.map((name) => (isIP(name) === 0 ? `DNS:${name}` : `IP:${name}`)).join(",");
  return [
    ...["openssl", "req", "-x509", ...NEW_KEY, "-keyout", keyFile, "-out", certFile, "-subj", `/CN=${subject}`],
    ...["-CA", files.caFile, "-CAkey", files.caKeyFile, "-addext", "basicConstraints=critical,CA:FALSE"],
    ...(altNames === "" ? [] : ["-addext", `subjectAltName=${altNames}`]),
  ];
}

/** What each node's certificate names: its addresses and its hostname. */
export function nodeCertNames(node: Pick<LabNode, "address" | "clientAddress" | "hostname">): string[] {
  return [node.address, ...(node.clientAddress === null ? [] : [node.clientAddress]), ...(node.hostname === null ? [] : [node.hostname])];
}

export async function makeLabCertificates(stateDir: string, labName: string, nodes: readonly LabNode[]): Promise<LabTlsFiles> {
  const files = labTlsFiles(stateDir);
  await mkdir(dirname(files.caFile), { recursive: true });
  const quiet = { timeoutMs: 30_000 };
  await runOrThrow(caCommand(files, labName), quiet);
  await Promise.all([
    runOrThrow(leafCommand(files, files.clientCertFile, files.clientKeyFile, "busdoctor", []), quiet),
    ...nodes.map((node) => {
      const { certFile, keyFile } = nodeCertFiles(node);
      return runOrThrow(leafCommand(files, certFile, keyFile, node.hostname ?? node.address, nodeCertNames(node)), quiet);
    }),
  ]);
  return files;
}
