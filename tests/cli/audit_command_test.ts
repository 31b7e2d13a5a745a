/**
 * `dpip audit` end to end: OSV records served from a directory and from a
 * tiny OSV API server on loopback (querybatch with pagination, then one GET
 * per record), against installed distributions (`--path`, and a real venv
 * when pyenv's 3.11 is there), a pinned requirements file and a pylock.toml.
 * A hit and a miss, a withdrawn record, records naming each other as
 * aliases, and the JSON and SARIF reports.
 */

import { join } from "../../lib/paths.ts";
import { captureIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import { makeVenv, python311 } from "../e2e/install_wheel_support.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { writeDists } from "../helpers/installed.ts";
import { skipUnless } from "../helpers/python.ts";

async function dpip(args: string[], cwd: string) {
  const io = captureIo({ env: { PIP_CONFIG_FILE: "/dev/null", HOME: cwd }, cwd });
  const status = await main(args, io);
  return { status, out: io.out(), err: io.err() };
}

/** Records: flask has a GHSA/PYSEC pair that name each other, a withdrawn one, and a fixed one. */
const RECORDS: Record<string, unknown>[] = [
  {
    id: "GHSA-m2qf-hxjv-5gpq",
    aliases: ["CVE-2023-30861", "PYSEC-2023-62"],
    summary: "Flask vulnerable to possible disclosure of permanent session cookie",
    database_specific: { severity: "HIGH" },
    references: [{ type: "ADVISORY", url: "https://example.invalid/GHSA-m2qf-hxjv-5gpq" }],
    affected: [{
      package: { ecosystem: "PyPI", name: "flask" },
      ranges: [{
        type: "ECOSYSTEM",
        events: [{ introduced: "0" }, { fixed: "2.2.5" }, { introduced: "2.3.0" }, {
          fixed: "2.3.2",
        }],
      }],
    }],
  },
  {
    id: "PYSEC-2023-62",
    aliases: ["CVE-2023-30861", "GHSA-m2qf-hxjv-5gpq"],
    affected: [{
      package: { ecosystem: "PyPI", name: "Flask" },
      versions: ["2.2.4", "2.3.0", "2.3.1"],
    }],
  },
  {
    id: "PYSEC-2099-1",
    withdrawn: "2024-02-01T00:00:00Z",
    affected: [{ package: { ecosystem: "PyPI", name: "flask" }, versions: ["2.2.4"] }],
  },
  {
    id: "GHSA-old-only",
    affected: [{
      package: { ecosystem: "PyPI", name: "markupsafe" },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { last_affected: "1.0" }] }],
    }],
  },
  {
    id: "NPM-1",
    affected: [{ package: { ecosystem: "npm", name: "flask" }, versions: ["2.2.4"] }],
  },
];

function writeRecords(dir: string): void {
  Deno.mkdirSync(join(dir, "PyPI", "nested"), { recursive: true });
  RECORDS.forEach((record, i) => {
    const where = i % 2 === 0 ? join(dir, "PyPI") : join(dir, "PyPI", "nested");
    Deno.writeTextFileSync(join(where, `${record.id}.json`), JSON.stringify(record));
  });
  Deno.writeTextFileSync(join(dir, "README.md"), "not a record\n");
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "dpip-audit-" });
  try {
    writeRecords(join(dir, "osv"));
    writeDists(join(dir, "site"), [
      { name: "Flask", version: "2.2.4" },
      { name: "MarkupSafe", version: "2.1.3" },
      { name: "blinker", version: "1.6.2" },
    ]);
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const EXPECTED_TABLE = [
  "Found 1 known vulnerability in 1 package",
  "Name  Version ID                  Fix Versions",
  "----- ------- ------------------- ------------",
  "Flask 2.2.4   GHSA-m2qf-hxjv-5gpq 2.2.5,2.3.2",
  "",
].join("\n");

Deno.test("dpip audit --path: a hit (aliases merged, withdrawn left out) and misses, from a directory", async () => {
  await withDir(async (dir) => {
    const db = ["--vulnerability-db", join(dir, "osv"), "--path", join(dir, "site")];
    const found = await dpip(["audit", ...db], dir);
    assertEquals(found.status, 1, found.err);
    assertEquals(found.out, EXPECTED_TABLE);
    assertEquals(found.err, "");

    const json = await dpip(["audit", ...db, "--format", "json"], dir);
    assertEquals(json.status, 1);
    const report = JSON.parse(json.out);
    assertEquals(report.withdrawn, ["PYSEC-2099-1"]);
    assertEquals(
      report.dependencies.map((d: { name: string; vulns: unknown[] }) => [d.name, d.vulns.length]),
      [["blinker", 0], ["flask", 1], ["markupsafe", 0]],
    );
    const vuln = report.dependencies[1].vulns[0];
    assertEquals(vuln.id, "GHSA-m2qf-hxjv-5gpq");
    assertEquals(vuln.aliases, ["CVE-2023-30861", "PYSEC-2023-62"]);
    assertEquals(vuln.fix_versions, ["2.2.5", "2.3.2"]);
    assertEquals(vuln.database_severity, "HIGH");

    const sarifFile = join(dir, "audit.sarif");
    const sarif = await dpip(["audit", ...db, "--format", "sarif", "-o", sarifFile], dir);
    assertEquals([sarif.status, sarif.out], [1, ""]);
    const log = JSON.parse(Deno.readTextFileSync(sarifFile));
    assertEquals(log.version, "2.1.0");
    const run = log.runs[0];
    assertEquals(run.tool.driver.name, "dpip");
    assertEquals(run.tool.driver.rules.map((r: { id: string }) => r.id), ["GHSA-m2qf-hxjv-5gpq"]);
    assertEquals(run.results.length, 1);
    assertEquals(run.results[0].ruleIndex, 0);
    assertEquals(run.results[0].level, "error");
    assertStringIncludes(
      run.results[0].locations[0].physicalLocation.artifactLocation.uri,
      "/site/Flask-2.2.4.dist-info",
    );
  });
});

Deno.test("dpip audit: nothing found exits 0", async () => {
  await withDir(async (dir) => {
    writeDists(join(dir, "clean"), [{ name: "Flask", version: "2.3.2" }]);
    const clean = await dpip(
      ["audit", "--vulnerability-db", join(dir, "osv"), "--path", join(dir, "clean")],
      dir,
    );
    assertEquals([clean.status, clean.out], [0, "No known vulnerabilities found in 1 package\n"]);
    // A record that is withdrawn is the only match: still clean.
    writeDists(join(dir, "withdrawn"), [{ name: "flask", version: "2.2.4" }]);
    Deno.removeSync(join(dir, "osv", "PyPI", "GHSA-m2qf-hxjv-5gpq.json"));
    Deno.removeSync(join(dir, "osv", "PyPI", "nested", "PYSEC-2023-62.json"));
    const withdrawn = await dpip(
      ["audit", "--vulnerability-db", join(dir, "osv"), "--path", join(dir, "withdrawn")],
      dir,
    );
    assertEquals([withdrawn.status, withdrawn.out], [
      0,
      "No known vulnerabilities found in 1 package\n",
    ]);
  });
});

Deno.test("dpip audit -r: pinned requirements files and pylock.toml; unpinned lines refused", async () => {
  await withDir(async (dir) => {
    const db = ["--vulnerability-db", join(dir, "osv")];
    Deno.writeTextFileSync(
      join(dir, "requirements.txt"),
      "# pinned\nmarkupsafe==0.9 --hash=sha256:00\nFlask==2.3.1 ; python_version >= '3'\n-e ./local\n",
    );
    const req = await dpip(["audit", ...db, "-r", "requirements.txt", "--format", "sarif"], dir);
    assertEquals(req.status, 1, req.err);
    assertEquals(req.err, "WARNING: ./local was not audited: an editable project is not audited\n");
    const results = JSON.parse(req.out).runs[0].results;
    assertEquals(
      results.map((
        r: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] },
      ) => [
        r.ruleId,
        r.locations[0]!.physicalLocation.region.startLine,
      ]),
      [["GHSA-old-only", 2], ["GHSA-m2qf-hxjv-5gpq", 3]],
    );

    Deno.writeTextFileSync(
      join(dir, "pylock.toml"),
      [
        'lock-version = "1.0"',
        'created-by = "test"',
        "[[packages]]",
        'name = "flask"',
        'version = "2.3.0"',
        'wheels = [{ url = "https://files.invalid/flask-2.3.0-py3-none-any.whl", hashes = { sha256 = "00" } }]',
        "[[packages]]",
        'name = "blinker"',
        'version = "1.6.2"',
        'sdist = { url = "https://files.invalid/blinker-1.6.2.tar.gz", hashes = { sha256 = "00" } }',
        "[[packages]]",
        'name = "local"',
        'directory = { path = "local" }',
        "",
      ].join("\n"),
    );
    const lock = await dpip(["audit", ...db, "-r", "pylock.toml", "--format", "json"], dir);
    assertEquals(lock.status, 1, lock.err);
    assertEquals(lock.err, "WARNING: local was not audited: the lock gives no version\n");
    const report = JSON.parse(lock.out);
    assertEquals(report.dependencies.map((d: { name: string }) => d.name), ["flask", "blinker"]);
    assertEquals(report.dependencies[0].vulns[0].fix_versions, ["2.3.2"]);

    Deno.writeTextFileSync(join(dir, "loose.txt"), "flask>=2\n");
    const loose = await dpip(["audit", ...db, "-r", "loose.txt"], dir);
    assertEquals(loose.status, 1);
    assertEquals(loose.out, "");
    assertStringIncludes(loose.err, 'loose.txt line 1: "flask>=2" is not pinned to one version');
    assertEquals(loose.err.trim().split("\n").length <= 2, true, loose.err);
  });
});

Deno.test("dpip audit: a database that cannot be read is one clear line", async () => {
  await withDir(async (dir) => {
    const missing = await dpip(
      ["audit", "--vulnerability-db", join(dir, "nope"), "--path", join(dir, "site")],
      dir,
    );
    assertEquals(missing.status, 1);
    assertEquals(missing.out, "");
    assertStringIncludes(
      missing.err,
      `Cannot read vulnerability database ${join(dir, "nope")}: no such directory`,
    );
    Deno.writeTextFileSync(join(dir, "osv", "broken.json"), "{ not json");
    const broken = await dpip(
      ["audit", "--vulnerability-db", join(dir, "osv"), "--path", join(dir, "site")],
      dir,
    );
    assertEquals(broken.status, 1);
    assertStringIncludes(
      broken.err,
      `WARNING: ${join(dir, "osv", "broken.json")}: not an OSV record`,
    );
  });
});

/** A tiny OSV API: querybatch answers one id per page (to exercise pagination), then records by id. */
function startOsvServer(records: readonly Record<string, unknown>[]) {
  const requests: string[] = [];
  const byId = new Map(records.map((r) => [r.id as string, r]));
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    requests.push(`${req.method} ${url.pathname}`);
    if (req.method === "POST" && url.pathname === "/v1/querybatch") {
      const body = await req.json() as {
        queries: {
          package: { name: string; ecosystem: string };
          version: string;
          page_token?: string;
        }[];
      };
      const results = body.queries.map((query) => {
        const ids = records
          .filter((r) =>
            (r.affected as {
              package: { name: string; ecosystem: string };
              versions?: string[];
              ranges?: unknown[];
            }[])
              .some((a) =>
                a.package.ecosystem === query.package.ecosystem &&
                a.package.name.toLowerCase() === query.package.name &&
                (a.ranges !== undefined || (a.versions ?? []).includes(query.version))
              )
          )
          .map((r) => r.id as string);
        const at = Number(query.page_token ?? "0");
        const page = ids.slice(at, at + 1).map((id) => ({ id, modified: "2024-01-01T00:00:00Z" }));
        return at + 1 < ids.length
          ? { vulns: page, next_page_token: String(at + 1) }
          : { vulns: page };
      });
      return Response.json({ results });
    }
    const match = /^\/v1\/vulns\/(.+)$/.exec(url.pathname);
    const record = match === null ? undefined : byId.get(decodeURIComponent(match[1]!));
    return record === undefined
      ? new Response("not found", { status: 404 })
      : Response.json(record);
  });
  return { server, requests, url: `http://127.0.0.1:${server.addr.port}` };
}

Deno.test("dpip audit against an OSV API server: querybatch pages, records fetched once", async () => {
  await withDir(async (dir) => {
    // This server matches ranges loosely: it names flask's GHSA record for any version.
    const { server, requests, url } = startOsvServer(RECORDS);
    try {
      const found = await dpip(
        ["audit", "--vulnerability-db", url, "--path", join(dir, "site"), "--format", "json"],
        dir,
      );
      assertEquals(found.status, 1, found.err);
      const report = JSON.parse(found.out);
      assertEquals(report.vulnerability_db, url);
      assertEquals(report.withdrawn, ["PYSEC-2099-1"]);
      const flask = report.dependencies.find((d: { name: string }) => d.name === "flask");
      assertEquals(flask.vulns.map((v: { id: string }) => v.id), ["GHSA-m2qf-hxjv-5gpq"]);
      assertEquals(flask.vulns[0].fix_versions, ["2.2.5", "2.3.2"]);
      const posts = requests.filter((r) => r === "POST /v1/querybatch").length;
      assert(posts >= 3, `pagination needs several querybatch calls, saw ${posts}`);
      const gets = requests.filter((r) => r.startsWith("GET "));
      assertEquals(gets.length, new Set(gets).size);
      assertEquals(gets.sort(), [
        "GET /v1/vulns/GHSA-m2qf-hxjv-5gpq",
        "GET /v1/vulns/GHSA-old-only",
        "GET /v1/vulns/PYSEC-2023-62",
        "GET /v1/vulns/PYSEC-2099-1",
      ]);
    } finally {
      await server.shutdown();
    }
  });
});

Deno.test("dpip audit: a server that fails is named in one line", async () => {
  await withDir(async (dir) => {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () => new Response("nope", { status: 403 }),
    );
    try {
      const url = `http://127.0.0.1:${server.addr.port}/`;
      const failed = await dpip(
        ["audit", "--vulnerability-db", url, "--path", join(dir, "site"), "--retries", "0"],
        dir,
      );
      assertEquals([failed.status, failed.out], [1, ""]);
      assertStringIncludes(
        failed.err,
        `Cannot read vulnerability database ${url}: querybatch answered HTTP 403`,
      );
    } finally {
      await server.shutdown();
    }
  });
});

Deno.test({
  name: "dpip audit checks the target interpreter's environment by default",
  ignore: skipUnless(python311, "Python 3.11 from pyenv"),
  async fn() {
    await withDir(async (dir) => {
      const venv = await makeVenv(join(dir, "venv"));
      writeDists(venv.sitePackages, [{ name: "flask", version: "2.3.0" }]);
      const found = await dpip(
        [
          "audit",
          "--python",
          venv.python,
          "--vulnerability-db",
          join(dir, "osv"),
          "--format",
          "json",
        ],
        dir,
      );
      assertEquals(found.status, 1, found.err);
      const flask = JSON.parse(found.out).dependencies.find((d: { name: string }) =>
        d.name === "flask"
      );
      assertEquals(flask.vulns[0].id, "GHSA-m2qf-hxjv-5gpq");
    });
  },
});
