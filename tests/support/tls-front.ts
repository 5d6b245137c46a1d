// TLS in front of a plain-http test server, as a load balancer terminates it: the CLI reaches the
// portal and the STS stand-in by https:// names (only this machine may be plain http for the
// CLI), trusting a self-signed certificate through NODE_EXTRA_CA_CERTS — the way a corporate CA
// is trusted. openssl makes the certificate (Node cannot), in a private temporary directory.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";

export interface TlsCertificate {
  key: string;
  cert: string;
  /** A file holding the certificate, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  remove(): void;
}

export function makeCertificate(names: string[]): TlsCertificate {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatehouse-tls-front-"));
  const keyFile = path.join(dir, "key.pem");
  const caFile = path.join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-sha256"],
      ["-nodes", "-days", "2", "-subj", `/CN=${names[0]}`, "-keyout", keyFile, "-out", caFile],
      ["-addext", `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}`],
    ].flat(),
    { stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 },
  );
  const key = fs.readFileSync(keyFile, "utf8");
  fs.rmSync(keyFile);
  return {
    key,
    cert: fs.readFileSync(caFile, "utf8"),
    caFile,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A TLS listener on 127.0.0.1 that pipes each connection to `target` (an http:// origin). */
export async function startTlsFront(
  certificate: TlsCertificate,
  target: string,
): Promise<{ port: number; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ key: certificate.key, cert: certificate.cert }, (client) => {
    const upstream = net.connect(Number(port), hostname.replace(/^\[|\]$/g, ""));
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
