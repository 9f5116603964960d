import { describe, expect, it } from "vitest";
import { caCommand, labTlsFiles, leafCommand, nodeCertFiles, nodeCertNames } from "../../../src/lab/certs.js";

const files = labTlsFiles("/run/busdoctor/labs/t");

describe("lab certificates", () => {
  it("keeps the CA and the tools' certificate in the lab's tls dir, each node's in its own dir", () => {
    expect(files).toEqual({
      caFile: "/run/busdoctor/labs/t/tls/ca.crt",
      caKeyFile: "/run/busdoctor/labs/t/tls/ca.key",
      clientCertFile: "/run/busdoctor/labs/t/tls/client.crt",
      clientKeyFile: "/run/busdoctor/labs/t/tls/client.key",
    });
    expect(nodeCertFiles({ dir: "/run/busdoctor/labs/t/node3" })).toEqual({
      certFile: "/run/busdoctor/labs/t/node3/tls.crt",
      keyFile: "/run/busdoctor/labs/t/node3/tls.key",
    });
  });

  it("makes a self-signed CA", () => {
    const argv = caCommand(files, "t");
    expect(argv.slice(0, 3)).toEqual(["openssl", "req", "-x509"]);
    expect(argv[argv.indexOf("-subj") + 1]).toBe("/CN=busdoctor lab t CA");
  });

  it("names a node's addresses as IP entries and its hostname as a DNS entry, signed by the CA, not a CA itself", () => {
    const names = nodeCertNames({ address: "fd00:b5d0::3", clientAddress: null, hostname: "redis-3.t.busdoctor.test" });
    const argv = leafCommand(files, "/n3/tls.crt", "/n3/tls.key", "redis-3.t.busdoctor.test", names);
    expect(argv).toContain("subjectAltName=IP:fd00:b5d0::3,DNS:redis-3.t.busdoctor.test");
    expect(argv).toContain("basicConstraints=critical,CA:FALSE");
    expect(argv[argv.indexOf("-CA") + 1]).toBe(files.caFile);
    expect(nodeCertNames({ address: "127.0.0.3", clientAddress: "127.0.1.3", hostname: null })).toEqual(["127.0.0.3", "127.0.1.3"]);
  });

  it("gives the tools' certificate no names", () => {
    expect(leafCommand(files, "/c.crt", "/c.key", "busdoctor", []).join(" ")).not.toContain("subjectAltName");
  });
});
