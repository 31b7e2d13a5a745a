/**
 * Test certificates made with `openssl` at run time (P-256 keys, valid one
 * day): a private CA, a server certificate for 127.0.0.1 and localhost signed
 * by it, a client certificate signed by it, a self-signed server
 * certificate no CA vouches for, and a self-signed server certificate that is
 * its own CA (`CA:TRUE`, what a plain `openssl req -x509` makes).
 *
 * @module
 */

import { join } from "node:path";

/** A certificate and its key (PEM). */
export interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

/** The certificates of {@link makeCertificates}; `*Path` are the PEM files in the directory. */
export interface TestCertificates {
  readonly dir: string;
  readonly caPath: string;
  /** Signed by the CA, for 127.0.0.1 and localhost. */
  readonly server: KeyPair;
  /** Self-signed, for 127.0.0.1 and localhost. */
  readonly selfSigned: KeyPair;
  /** Self-signed and its own CA (`basicConstraints=CA:TRUE`), for 127.0.0.1 and localhost. */
  readonly selfSignedCa: KeyPair;
  /** The PEM file of {@link TestCertificates.selfSignedCa}'s certificate, for `--cert`. */
  readonly selfSignedCaPath: string;
  /** Signed by the CA, for client authentication. */
  readonly client: KeyPair;
  /** The client certificate and its key in one PEM file, as `--client-cert` takes it. */
  readonly clientPemPath: string;
}

const SAN = "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n";

/**
 * Makes the certificates in a new temporary directory (removed when the test
 * module unloads), or returns `undefined` when `openssl` is missing or fails.
 *
 * @example
 * ```ts ignore
 * const certificates = await makeCertificates();
 * ```
 */
export async function makeCertificates(): Promise<TestCertificates | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "dpip-certs-" });
  globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
  const openssl = (args: string[]) =>
    new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "null" }).output();
  const newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const sign = (name: string) => [
    ["req", ...newKey, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`],
    ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key"]
      .concat(["-CAcreateserial", "-out", `${name}.pem`, "-days", "1", "-extfile", `${name}.ext`]),
  ];
  try {
    await Deno.writeTextFile(join(dir, "server.ext"), SAN);
    await Deno.writeTextFile(join(dir, "self.ext"), SAN);
    await Deno.writeTextFile(
      join(dir, "client.ext"),
      "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n",
    );
    const steps = [
      ["req", "-x509", ...newKey, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1"]
        .concat(["-subj", "/CN=dpip test CA"]),
      ...sign("server"),
      ...sign("client"),
      ["req", "-x509", ...newKey, "-keyout", "self.key", "-out", "self.pem", "-days", "1"]
        .concat(["-subj", "/CN=dpip self-signed", "-extensions", "v3_self", "-config", "self.cnf"]),
      ["req", "-x509", ...newKey, "-keyout", "selfca.key", "-out", "selfca.pem", "-days", "1"]
        .concat(["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]),
    ];
    await Deno.writeTextFile(
      join(dir, "self.cnf"),
      `[req]\ndistinguished_name=dn\n[dn]\n[v3_self]\n${SAN}`,
    );
    for (const step of steps) if (!(await openssl(step)).success) return undefined;
    const pair = async (name: string): Promise<KeyPair> => ({
      cert: await Deno.readTextFile(join(dir, `${name}.pem`)),
      key: await Deno.readTextFile(join(dir, `${name}.key`)),
    });
    const client = await pair("client");
    const clientPemPath = join(dir, "client-bundle.pem");
    await Deno.writeTextFile(clientPemPath, `${client.cert}${client.key}`);
    return {
      dir,
      caPath: join(dir, "ca.pem"),
      server: await pair("server"),
      selfSigned: await pair("self"),
      selfSignedCa: await pair("selfca"),
      selfSignedCaPath: join(dir, "selfca.pem"),
      client,
      clientPemPath,
    };
  } catch {
    return undefined;
  }
}
