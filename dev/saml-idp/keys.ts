import { execFile } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

export interface SamlSigningKeys {
  /** PKCS#8 or PKCS#1 PEM, unencrypted. */
  privateKeyPem: string;
  /** The self-signed X.509 certificate published in the metadata and in every KeyInfo. */
  certificatePem: string;
}

const run = promisify(execFile);
let processSigningKeys: Promise<SamlSigningKeys> | undefined;

/**
 * The signing key and certificate for IdPs started by this process: RSA 2048 with a self-signed
 * certificate from `openssl req -x509`, generated once and reused, so an IdP restarted inside the
 * same process keeps the certificate a service provider already trusts. Never written anywhere but
 * a private temporary directory that is removed before this resolves.
 */
export function getProcessSigningKeys(): Promise<SamlSigningKeys> {
  processSigningKeys ??= generateSigningKeys();
  // A failed generation (no openssl) must not be cached: the next start may run where it exists.
  processSigningKeys.catch(() => (processSigningKeys = undefined));
  return processSigningKeys;
}

async function generateSigningKeys(): Promise<SamlSigningKeys> {
  const dir = await mkdtemp(path.join(tmpdir(), "saml-idp-keys-"));
  try {
    const keyFile = path.join(dir, "key.pem");
    const certFile = path.join(dir, "cert.pem");
    await run(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-sha256",
        "-nodes",
        "-days",
        "30",
        "-subj",
        "/CN=Gatehouse demo SAML IdP (test keys, not valid anywhere)",
        "-keyout",
        keyFile,
        "-out",
        certFile,
      ],
      { timeout: 30_000 },
    ).catch((err: unknown) => {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`startSamlIdp: generating a signing key with openssl failed: ${reason}`);
    });
    const keys = {
      privateKeyPem: await readFile(keyFile, "utf8"),
      certificatePem: await readFile(certFile, "utf8"),
    };
    checkSigningKeys(keys);
    return keys;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Checks that a key pair can sign what the IdP issues: an unencrypted RSA private key of at least
 * 2048 bits and a certificate for that same key.
 *
 * @throws TypeError naming what is wrong.
 */
export function checkSigningKeys(keys: SamlSigningKeys): void {
  let certificate: X509Certificate;
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey({ key: keys.privateKeyPem, format: "pem" });
  } catch {
    throw new TypeError("startSamlIdp: keys.privateKeyPem is not an unencrypted PEM private key");
  }
  try {
    certificate = new X509Certificate(keys.certificatePem);
  } catch {
    throw new TypeError("startSamlIdp: keys.certificatePem is not a PEM X.509 certificate");
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (privateKey.asymmetricKeyType !== "rsa" || bits < 2048) {
    throw new TypeError("startSamlIdp: the signing key must be RSA with at least 2048 bits");
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new TypeError("startSamlIdp: keys.certificatePem does not belong to keys.privateKeyPem");
  }
}
