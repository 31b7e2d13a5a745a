import {
  downloadRoots,
  downloadTargets,
  UnsupportedDownloadError,
} from "../../lib/operations/download_roots.ts";
import { HashRequirementError } from "../../lib/operations/hash_mode.ts";
import { buildSpecification } from "../../lib/requirements/specification.ts";
import { tagPriorities } from "../../lib/dists/tags.ts";
import { PY312 } from "../resolver/helpers.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { linuxCpythonFacts } from "../helpers/tag_facts.ts";
import { LINUX_312 } from "./install_fixtures.ts";

const targets = [{ environment: PY312, tags: tagPriorities([]) }];

const cwd = Deno.makeTempDirSync();
Deno.mkdirSync(`${cwd}/w`);
Deno.writeFileSync(`${cwd}/w/x-1.0-py3-none-any.whl`, new Uint8Array());
Deno.mkdirSync(`${cwd}/proj`);
Deno.writeTextFileSync(`${cwd}/proj/pyproject.toml`, "");

async function spec(args: string[], constraints: Record<string, string> = {}) {
  return await buildSpecification({ args, constraintFiles: Object.keys(constraints) }, {
    cwd,
    env: {},
    read: (location) => Promise.resolve(constraints[location] ?? ""),
    stat: (path) => {
      try {
        return Deno.statSync(path).isDirectory ? "directory" : "file";
      } catch {
        return undefined;
      }
    },
  });
}

Deno.test("downloadRoots: a named requirement narrowed by -c; markers of no target ignored", async () => {
  const roots = downloadRoots(
    await spec(["a>=1", "b; sys_platform == 'win32'"], { "c.txt": "a<3\n" }),
    { targets, noDeps: false, foreign: false },
  );
  assertEquals(roots.items.map((i) => `${i.name}${i.specifier}`), ["a<3,>=1"]);
  assertEquals(roots.requirements.map(String), ["a>=1"]);
  assertEquals(roots.ignored, [{ text: "b", marker: 'sys_platform == "win32"' }]);
});

Deno.test("downloadRoots: a wheel path is fetched as is and resolved by its own metadata", async () => {
  const roots = downloadRoots(
    await spec([`x @ file://${cwd}/w/x-1.0-py3-none-any.whl#sha256=ab`]),
    {
      targets,
      noDeps: false,
      foreign: false,
    },
  );
  assertEquals(roots.items.map((i) => [i.url, i.hashes]), [
    [`file://${cwd}/w/x-1.0-py3-none-any.whl`, { sha256: ["ab"] }],
  ]);
  assertEquals(roots.requirements.map(String), [`x @ file://${cwd}/w/x-1.0-py3-none-any.whl`]);
  const noDeps = downloadRoots(await spec(["./w/x-1.0-py3-none-any.whl"]), {
    targets,
    noDeps: true,
    foreign: false,
  });
  assertEquals(noDeps.requirements, []);
});

Deno.test("downloadRoots: a directory's and an sdist's dependencies come from their backends; only the archive is saved", async () => {
  const roots = downloadRoots(await spec(["./proj", "https://h/r-1.0.tar.gz"]), {
    targets,
    noDeps: false,
    foreign: false,
  });
  assertEquals(roots.sources.map((source) => source.text), ["./proj", "https://h/r-1.0.tar.gz"]);
  assertEquals(roots.items.map((item) => item.url), ["https://h/r-1.0.tar.gz"]);
  assertEquals(roots.requirements, []);
});

Deno.test("downloadRoots: a VCS URL and a directory are prepared even with --no-deps (for any target); nothing fetched", async () => {
  for (const [noDeps, foreign] of [[false, false], [true, false], [true, true]]) {
    const roots = downloadRoots(await spec(["git+https://h/r.git@v1#egg=r", "./proj"]), {
      targets,
      noDeps: noDeps!,
      foreign: foreign!,
    });
    assertEquals(roots.sources.map((source) => source.kind), ["vcs", "path"], `noDeps ${noDeps}`);
    assertEquals(roots.items, []);
    assertEquals(roots.requirements, []);
  }
});

Deno.test("downloadRoots: what cannot be done is refused before any index is asked", async () => {
  const cases: [string[], { noDeps: boolean; foreign: boolean }][] = [
    [["git+https://h/r.git#egg=r"], { noDeps: false, foreign: true }],
    [["./proj"], { noDeps: false, foreign: true }],
    [["https://h/r-1.0.tar.gz"], { noDeps: false, foreign: true }],
  ];
  for (const [args, options] of cases) {
    const given = await spec(args);
    assertThrows(() => downloadRoots(given, { targets, ...options }), UnsupportedDownloadError);
  }
});

Deno.test("downloadRoots: a VCS URL with a --hash is refused (hash-checking mode cannot check it)", async () => {
  const given = await spec(["git+https://h/r.git@v1#egg=r"]);
  const withHash = {
    ...given,
    requirements: given.requirements.map((r) => ({ ...r, hashes: { sha256: ["ab"] } })),
  };
  assertThrows(
    () => downloadRoots(withHash, { targets, noDeps: true, foreign: false }),
    HashRequirementError,
    "version control repositories: git+https://h/r.git@v1#egg=r",
  );
});

const host = { markerEnvironment: LINUX_312, tagFacts: linuxCpythonFacts(3, 12) };

Deno.test("downloadTargets: the interpreter's own markers and tags when not foreign", () => {
  const tags = tagPriorities([]);
  assertEquals(downloadTargets(host, {}, { tags, foreign: false }), [
    { environment: LINUX_312, tags },
  ]);
});

Deno.test("downloadTargets: one target per system the platforms name, each with its markers", () => {
  const found = downloadTargets(host, { platforms: ["manylinux2014_x86_64", "win_amd64"] }, {
    tags: tagPriorities([]),
    foreign: true,
  });
  assertEquals(found.map((t) => t.environment.sys_platform), ["linux", "win32"]);
  assert(found.every((t) => t.tags.size > 0));
});
