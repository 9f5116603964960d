// Throwaway certificates for the TLS test of test/e2e/collect.test.ts: a CA, a server certificate for
// one IP address and a client certificate, made with the openssl command line.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestCertificates {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
}

function openssl(...args: string[]): void {
  execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
}

/** Signs a fresh key for `subject` with the CA; `extensions` is an openssl x509 extension line. */
function signed(dir: string, name: string, subject: string, extensions: string): void {
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, `${extensions}\n`);
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, `${name}.key`), "-out", join(dir, `${name}.csr`), "-subj", subject);
  openssl(
    "x509",
    "-req",
    "-in",
    join(dir, `${name}.csr`),
    "-CA",
    join(dir, "ca.crt"),
    "-CAkey",
    join(dir, "ca.key"),
    "-CAcreateserial",
    "-out",
    join(dir, `${name}.crt`),
    "-days",
    "2",
    "-extfile",
    extFile,
  );
}

export function makeTestCertificates(dir: string, serverIp: string): TestCertificates {
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    join(dir, "ca.key"),
    "-out",
    join(dir, "ca.crt"),
    "-days",
    "2",
    "-subj",
    "/CN=busdoctor collect test CA",
  );
  signed(dir, "server", `/CN=${serverIp}`, `subjectAltName=IP:${serverIp}`);
  signed(dir, "client", "/CN=busdoctor", "extendedKeyUsage=clientAuth");
  return {
    caFile: join(dir, "ca.crt"),
    serverCertFile: join(dir, "server.crt"),
    serverKeyFile: join(dir, "server.key"),
    clientCertFile: join(dir, "client.crt"),
    clientKeyFile: join(dir, "client.key"),
  };
}
