/**
 * Hostile inputs of 100 KB (long runs of one character or of a small unit,
 * which have made parsers quadratic) must cost work linear in their length.
 * Work is counted in executed blocks of lib/ code (`tests/helpers/work.ts`),
 * never timed: each input is built at 25 KB and at 100 KB, and the second
 * may cost at most {@link LINEAR_RATIO} times the first.
 *
 * These replaced the wall-clock checks ("took 584 ms") that failed under load.
 *
 * @module
 */

import { assert } from "../helpers/assert.ts";
import { LINEAR_RATIO, startWorkMeter, workGrowth } from "../helpers/work.ts";

// Counting starts before any lib/ code runs (see work.ts), so lib/ is imported after.
await startWorkMeter();
const { parseVersion } = await import("../../lib/pep440/version.ts");
const { parseSpecifierSet } = await import("../../lib/pep440/specifiers.ts");
const { parseMarker } = await import("../../lib/pep508/marker.ts");
const { parseRequirement } = await import("../../lib/pep508/requirement.ts");
const names = await import("../../lib/names/package_name.ts");
const dists = await import("../../lib/dists/mod.ts");
const { parseHtmlPage } = await import("../../lib/index/simple_api.ts");
const { logicalLines } = await import("../../lib/requirements/requirements_txt.ts");
const { parseIni } = await import("../../lib/cli/ini.ts");
const { hostileVersions } = await import("../pep440/generate.ts");

/** `unit` repeated to `length` characters. */
function fill(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

interface Case {
  name: string;
  build(size: number): string;
  run(input: string): unknown;
}

const PAGE = "https://index.example/simple/demo/";
const SIZE = 25_000;

const cases: Case[] = [
  ...hostileVersions(8).map((_, index): Case => ({
    name: `version ${JSON.stringify(hostileVersions(12)[index])}…`,
    build: (size) => hostileVersions(size)[index]!,
    run: parseVersion,
  })),
  ...[
    (n: number) => ">=" + fill("1", n),
    (n: number) => "==" + fill("1.", n),
    (n: number) => "==1.0" + fill("+a", n),
    (n: number) => "~=" + fill("1.0", n),
    (n: number) => "===" + fill("a", n) + " b",
    (n: number) => fill(">=1,", n) + "x",
    (n: number) => fill(",", n) + "=",
    (n: number) => fill(" ", n) + ">=1.0" + fill(" ", n) + "x",
    (n: number) => "==1.0" + fill("-", n),
    (n: number) => "==1.0" + fill(".*", n),
  ].map((build): Case => ({ name: `specifier ${build(12)}…`, build, run: parseSpecifierSet })),
  ...[
    (n: number) => fill("(", n),
    (n: number) => "os_name == '" + fill("a", n),
    (n: number) => fill("os_name == 'a' and ", n),
    (n: number) => fill("not ", n),
    (n: number) => "os_name" + fill(" ", n),
    (n: number) => "'" + fill("\\x", n) + "'",
    (n: number) => "python_version" + fill("_", n),
  ].map((build): Case => ({ name: `marker ${build(12)}…`, build, run: parseMarker })),
  ...[
    (n: number) => fill("a", n) + "é",
    (n: number) => "a" + fill("-", n),
    (n: number) => "foo" + fill(">=1,", n) + "!",
    (n: number) => "foo[" + fill("a,", n),
    (n: number) => "foo; " + fill("(", n),
    (n: number) => "foo; " + fill("os_name == 'x' and ", n),
    (n: number) => "foo; os_name == '" + fill("a", n),
    (n: number) => "foo==" + fill("1.", n) + "x",
    (n: number) => "foo; " + fill("not ", n),
    (n: number) => "foo===" + fill("x", n) + ")",
    (n: number) => "foo; " + Array(Math.ceil(n / 22)).fill("os_name == 'posix'").join(" or "),
    (n: number) => "foo==" + fill("1.", n) + "0",
  ].map((build): Case => ({ name: `requirement ${build(12)}…`, build, run: parseRequirement })),
  {
    name: "package name a._-._-…!",
    build: (n) => "a" + fill("._-", n) + "!",
    run(text) {
      names.isValidName(text);
      names.isNormalizedName(text);
      names.canonicalizeName(text);
      return names.parsePackageName(text);
    },
  },
  ...[
    (n: number) => fill("a", n) + ".whl",
    (n: number) => fill("é", n) + "+-1-py3-none-any.whl",
    (n: number) => "a-" + fill("1.", n) + "-py3-none-any.whl",
    (n: number) => "a-1-" + fill("x", n) + "-py3-none-any.whl",
    (n: number) => "a-1-" + fill("py3.", n) + "py3-none-any.whl",
  ].map((build): Case => ({ name: `wheel ${build(12)}…`, build, run: dists.parseWheelFilename })),
  ...[
    (n: number) => fill("-", n) + ".tar.gz",
    (n: number) => fill("a", n) + ".zip",
    (n: number) => fill("a-", n) + ".tar.gz",
  ].map((build): Case => ({
    name: `sdist ${build(12)}…`,
    build,
    run: (
      text,
    ) => [dists.tryParseSdistFilenameForProject(text, "b"), dists.parseSdistFilename(text)],
  })),
  ...[
    (n: number) => "a," + fill("x", n) + ",1\n",
    (n: number) => '"' + fill(",", n) + '",x=,z\n',
    (n: number) => fill('"', n),
  ].map((build): Case => ({ name: `RECORD ${build(12)}…`, build, run: dists.parseRecord })),
  ...[
    (n: number) => "[g]\n" + fill("x", n),
    (n: number) => "[console_scripts]\na = b" + fill(" ", n) + "c",
    (n: number) => fill("[", n) + "\nx = y",
  ].map((build): Case => ({
    name: `entry points ${build(12)}…`,
    build,
    run: dists.parseEntryPoints,
  })),
  {
    name: "entry point reference aaa:bbb [",
    build: (n) => fill("a", n) + ":" + fill("b", n) + " [",
    run: dists.parseEntryPointReference,
  },
  ...[
    (n: number) => fill("[", n),
    (n: number) => `{"url": "${fill("u", n)}"}`,
  ].map((build): Case => ({ name: `direct_url ${build(12)}…`, build, run: dists.parseDirectUrl })),
  ...[
    (n: number) => fill(" ", n),
    (n: number) => "A:" + fill(":", n),
    (n: number) => "Name: a\nVersion: 1\nDescription: x\n" + fill(" y\n", n),
    (n: number) => "Name:" + fill("\t", n),
    (n: number) => fill("x", n) + ":\n",
    (n: number) => "Name: a\nVersion: 1\nLicense: x\n" + fill("\t\n", n),
  ].map((build): Case => ({ name: `METADATA ${build(12)}…`, build, run: dists.parseCoreMetadata })),
  ...[
    (n: number) => fill("<!--", n),
    (n: number) => fill('<a href="', n),
    (n: number) => fill("<a ", n),
    (n: number) => fill("&#", n),
    (n: number) => "<a href='x-1.0.tar.gz' " + fill(" ", n) + ">",
  ].map((build): Case => ({
    name: `HTML page ${build(12)}…`,
    build,
    run: (t) => parseHtmlPage(t, PAGE),
  })),
  ...[
    // The requirements-file comment pattern was quadratic in a run of blanks.
    (n: number) => "requests" + fill(" ", n) + "x",
    (n: number) => "requests" + fill(" ", n) + "# c",
    (n: number) => fill("\\\n", n),
  ].map((build): Case => ({ name: `requirements file ${build(12)}…`, build, run: logicalLines })),
  ...[
    // And pip.conf's key pattern, in a run of blanks before the value.
    (n: number) => "[global]\nkey" + fill(" ", n) + "x",
    (n: number) => "[global]\nkey" + fill(" ", n) + "= x",
    (n: number) => fill("[", n),
  ].map((build): Case => ({
    name: `pip.conf ${build(12)}…`,
    build,
    run: (t) => parseIni(t, "pip.conf"),
  })),
];

for (const { name, build, run } of cases) {
  Deno.test(`hostile input, work linear in its length: ${name}`, async () => {
    const growth = await workGrowth(build, run, { size: SIZE });
    assert(
      growth.large <= LINEAR_RATIO * growth.small + 300,
      `${growth.small} blocks of work at ${SIZE} characters, ${growth.large} at ${SIZE * 4}`,
    );
  });
}

// Installing: a wheel's launchers replaced same-named files by searching the list of files
// once per launcher, quadratic in the entry points.
const { extractWheel, stageWheel, StagingArea } = await import(
  "../../lib/installer/install_wheel.ts"
);
const { Linker } = await import("../../lib/installer/wheel_cache.ts");
const { buildWheel } = await import("../helpers/wheel_builder.ts");

Deno.test("hostile wheel, work linear in its entry points: staging its launchers", async () => {
  const meter = await startWorkMeter();
  const root = await Deno.makeTempDir({ prefix: "dpip-growth-" });
  try {
    const stage = async (count: number) => {
      const scripts = Object.fromEntries(
        Array.from({ length: count }, (_, i) => [`tool${i}`, `demo.cli:main${i}`]),
      );
      const wheel = buildWheel({
        name: "demo",
        version: "1.0",
        files: { "demo/__init__.py": "" },
        entryPoints: { console_scripts: scripts },
      });
      const dir = `${root}/${count}`;
      const manifest = extractWheel(wheel.bytes, { filename: wheel.filename, dir: `${dir}/tree` });
      return await meter.measure(() =>
        stageWheel({
          tree: `${dir}/tree`,
          manifest,
          scheme: {
            purelib: `${dir}/lib`,
            platlib: `${dir}/lib`,
            scripts: `${dir}/bin`,
            data: dir,
            headers: `${dir}/include`,
          },
          staging: new StagingArea(`${dir}/.stage`),
          python: "/env/bin/python",
          pythonVersion: [3, 11],
          linker: new Linker("copy"),
        })
      );
    };
    const small = await stage(300);
    const large = await stage(1200);
    assert(
      large <= LINEAR_RATIO * small + 300,
      `${small} blocks of work for 300 entry points, ${large} for 1200`,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
