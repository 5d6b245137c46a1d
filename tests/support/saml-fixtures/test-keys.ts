import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * Signing keys for SAML fixtures, generated at test time and never written to the repository.
 * Node can make key pairs but not certificates, and node-forge/selfsigned are not installed, so
 * `openssl req -x509` makes a self-signed certificate in a private temporary directory that is
 * removed straight away. Keys are cached per process and label: the same label always means the
 * same key within one test run (so "the configured certificate" and "what the IdP signs with" agree).
 */
export interface TestSigningKey {
  label: string;
  type: "rsa" | "ec";
  /** PKCS#8 PEM, unencrypted. Test use only. */
  privateKeyPem: string;
  /** The self-signed X.509 certificate, PEM. */
  certificatePem: string;
  /** The same certificate as bare base64 DER, the way IdP metadata and KeyInfo carry it. */
  certificateBase64: string;
}

const cache = new Map<string, TestSigningKey>();

function generate(label: string, type: "rsa" | "ec"): TestSigningKey {
  const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-saml-fixture-"));
  try {
    const keyFile = path.join(dir, "key.pem");
    const certFile = path.join(dir, "cert.pem");
    const keyArgs =
      type === "rsa"
        ? ["-newkey", "rsa:2048"]
        : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        ...keyArgs,
        "-sha256",
        "-nodes",
        "-days",
        "7",
        "-subj",
        `/CN=Gatehouse SAML test key ${label}`,
        "-keyout",
        keyFile,
        "-out",
        certFile,
      ],
      { stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 },
    );
    const certificatePem = readFileSync(certFile, "utf8");
    return {
      label,
      type,
      privateKeyPem: readFileSync(keyFile, "utf8"),
      certificatePem,
      certificateBase64: certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ""),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The test key called `label` (default "idp"): RSA 2048 unless `type: "ec"` (P-256). Labels used
 * by the SAML suites: "idp" (the configured IdP), "idp-next" (its rollover certificate),
 * "attacker" (a key nobody configured).
 */
export function getTestSigningKey(
  label = "idp",
  opts: { type?: "rsa" | "ec" } = {},
): TestSigningKey {
  const type = opts.type ?? "rsa";
  const cacheKey = `${type}:${label}`;
  let key = cache.get(cacheKey);
  if (!key) {
    key = generate(label, type);
    cache.set(cacheKey, key);
  }
  return key;
}
