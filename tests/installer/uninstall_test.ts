import { join, relative } from "node:path";
import { readInstalledDists } from "../../lib/installer/site_packages.ts";
import { planRemoval, summarizeRemoval, UninstallError } from "../../lib/installer/uninstall.ts";
import { assertEquals, assertThrows } from "../helpers/assert.ts";

function write(path: string, text = ""): void {
  Deno.mkdirSync(join(path, ".."), { recursive: true });
  Deno.writeTextFileSync(path, text);
}

function env() {
  const root = Deno.makeTempDirSync();
  const site = join(root, "lib", "site-packages");
  const bin = join(root, "bin");
  Deno.mkdirSync(site, { recursive: true });
  return { root, site, bin };
}

function dist(site: string, name: string) {
  const found = readInstalledDists([site]).dists.find((d) => d.name === name);
  if (found === undefined) throw new Error(`${name} not found`);
  return found;
}

Deno.test("planRemoval() of a dist-info: RECORD paths, bytecode of removed modules, entry-point scripts", () => {
  const { root, site, bin } = env();
  write(join(site, "pkg/__init__.py"));
  write(join(site, "pkg/mod.py"));
  write(join(site, "pkg/__pycache__/mod.cpython-311.pyc"));
  write(join(site, "pkg/__pycache__/mod.cpython-312.opt-1.pyc"));
  write(join(site, "pkg/__pycache__/module.cpython-311.pyc")); // another module: stays
  write(join(site, "pkg/mod.pyc"));
  write(join(site, "pkg/user_added.txt"));
  write(join(bin, "pkg-cli"));
  write(join(bin, "pkg-gui"));
  write(
    join(site, "pkg-1.0.dist-info/METADATA"),
    "Metadata-Version: 2.1\nName: Pkg\nVersion: 1.0\n",
  );
  write(
    join(site, "pkg-1.0.dist-info/entry_points.txt"),
    "[console_scripts]\npkg-cli = pkg:main\n[gui_scripts]\npkg-gui = pkg:gui\n",
  );
  write(
    join(site, "pkg-1.0.dist-info/RECORD"),
    "pkg/__init__.py,,\npkg/mod.py,,\n../../bin/pkg-cli,,\npkg-1.0.dist-info/METADATA,,\npkg-1.0.dist-info/RECORD,,\npkg/missing.py,,\n",
  );
  const plan = planRemoval(dist(site, "pkg"), { scriptsDir: bin, environmentDirs: [root] });
  assertEquals(plan.metadataPath, join(site, "pkg-1.0.dist-info"));
  assertEquals(plan.paths, [
    join(bin, "pkg-cli"),
    join(bin, "pkg-gui"),
    join(site, "pkg/__init__.py"),
    join(site, "pkg/__pycache__/mod.cpython-311.pyc"),
    join(site, "pkg/__pycache__/mod.cpython-312.opt-1.pyc"),
    join(site, "pkg/mod.py"),
    join(site, "pkg/mod.pyc"),
  ]);
  assertEquals(summarizeRemoval(plan), {
    remove: [
      join(bin, "pkg-cli"),
      join(bin, "pkg-gui"),
      join(site, "pkg-1.0.dist-info/*"),
      join(site, "pkg/*"),
    ],
    skipped: [join(site, "pkg/user_added.txt")],
  });
});

Deno.test("planRemoval() of a legacy egg-info: installed-files.txt, else top_level.txt", () => {
  const { site, bin } = env();
  write(join(site, "legacy/__init__.py"));
  write(join(site, "legacy_mod.py"));
  write(
    join(site, "Legacy-2.0-py3.11.egg-info/PKG-INFO"),
    "Metadata-Version: 1.1\nName: Legacy\nVersion: 2.0\n",
  );
  write(
    join(site, "Legacy-2.0-py3.11.egg-info/installed-files.txt"),
    "../legacy/__init__.py\n../legacy_mod.py\nPKG-INFO\n",
  );
  const plan = planRemoval(dist(site, "legacy"), { scriptsDir: bin });
  assertEquals(plan.paths, [join(site, "legacy/__init__.py"), join(site, "legacy_mod.py")]);

  write(join(site, "toplevel/__init__.py"));
  write(join(site, "tl_mod.py"));
  write(join(site, "nspkg/__init__.py"));
  write(
    join(site, "TopLevel-1.0-py3.11.egg-info/PKG-INFO"),
    "Metadata-Version: 1.1\nName: TopLevel\nVersion: 1.0\n",
  );
  write(join(site, "TopLevel-1.0-py3.11.egg-info/top_level.txt"), "toplevel\ntl_mod\nnspkg\n");
  write(join(site, "TopLevel-1.0-py3.11.egg-info/namespace_packages.txt"), "nspkg\n");
  const topLevel = planRemoval(dist(site, "toplevel"), { scriptsDir: bin });
  assertEquals(topLevel.paths, [join(site, "tl_mod.py"), join(site, "toplevel")]);
});

Deno.test("planRemoval() refuses distutils installs and dists outside the environment", () => {
  const { root, site, bin } = env();
  write(join(site, "old-1.0-py3.11.egg-info"), "Metadata-Version: 1.0\nName: old\nVersion: 1.0\n");
  const distutils = assertThrows(
    () => planRemoval(dist(site, "old"), { scriptsDir: bin }),
    UninstallError,
  );
  assertEquals(distutils.code, "distutils-installed");
  write(join(site, "x-1.0.dist-info/METADATA"), "Metadata-Version: 2.1\nName: x\nVersion: 1.0\n");
  write(join(site, "x-1.0.dist-info/RECORD"), "x.py,,\n");
  const outside = assertThrows(
    () =>
      planRemoval(dist(site, "x"), { scriptsDir: bin, environmentDirs: [join(root, "elsewhere")] }),
    UninstallError,
  );
  assertEquals(outside.code, "outside-environment");
  write(
    join(site, "norecord-1.0.dist-info/METADATA"),
    "Metadata-Version: 2.1\nName: norecord\nVersion: 1.0\n",
  );
  assertEquals(
    assertThrows(() => planRemoval(dist(site, "norecord"), { scriptsDir: bin }), UninstallError)
      .code,
    "missing-record",
  );
});

Deno.test("planRemoval() removes no script for an entry point whose name is not a plain file name", () => {
  const { root, site, bin } = env();
  write(join(root, "lib", "x"), "a file of the environment's");
  write(join(bin, "ok"));
  write(join(site, "ep-1.0.dist-info/METADATA"), "Metadata-Version: 2.1\nName: ep\nVersion: 1.0\n");
  write(join(site, "ep-1.0.dist-info/RECORD"), "ep-1.0.dist-info/METADATA,,\n");
  write(
    join(site, "ep-1.0.dist-info/entry_points.txt"),
    "[console_scripts]\nok = ep:main\n../lib/x = ep:main\n[gui_scripts]\n../lib = ep:main\n",
  );
  const plan = planRemoval(dist(site, "ep"), { scriptsDir: bin, environmentDirs: [root] });
  assertEquals(plan.paths, [join(bin, "ok")]);
});

Deno.test("planRemoval() never removes through a symbolic link that leads outside the environment", async (t) => {
  // RECORD rows that pass through a link: in site-packages, inside a package, under bin/.
  const placements: [string, (site: string, bin: string) => string, string][] = [
    ["in site-packages", (site) => join(site, "evil"), "evil/secret.txt"],
    ["inside a package", (site) => join(site, "pkg", "sub"), "pkg/sub/secret.txt"],
    ["under bin/", (_site, bin) => join(bin, "sub"), "../../bin/sub/secret.txt"],
  ];
  for (const [title, linkAt, row] of placements) {
    for (const venv of [true, false]) {
      await t.step(`${title}${venv ? "" : " (outside a virtualenv)"}`, () => {
        const { root, site, bin } = env();
        const outside = Deno.makeTempDirSync();
        try {
          write(join(outside, "secret.txt"), "not the environment's");
          write(join(site, "pkg/__init__.py"));
          Deno.mkdirSync(bin, { recursive: true });
          Deno.symlinkSync(outside, linkAt(site, bin));
          write(
            join(site, "pkg-1.0.dist-info/METADATA"),
            "Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n",
          );
          write(
            join(site, "pkg-1.0.dist-info/RECORD"),
            `pkg/__init__.py,,\n${row},,\npkg-1.0.dist-info/RECORD,,\n`,
          );
          const plan = planRemoval(dist(site, "pkg"), {
            scriptsDir: bin,
            ...(venv ? { environmentDirs: [root] } : { schemeDirs: [site, bin, root] }),
          });
          assertEquals(plan.paths, [join(site, "pkg/__init__.py")]);
          assertEquals(plan.outside, [join(site, row)]);
        } finally {
          Deno.removeSync(root, { recursive: true });
          Deno.removeSync(outside, { recursive: true });
        }
      });
    }
  }
  await t.step("a link that stays inside the environment is followed", () => {
    const { root, site, bin } = env();
    try {
      write(join(root, "share", "pkg", "data.txt"));
      Deno.symlinkSync(join(root, "share", "pkg"), join(site, "pkgdata"));
      write(
        join(site, "pkg-1.0.dist-info/METADATA"),
        "Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n",
      );
      write(join(site, "pkg-1.0.dist-info/RECORD"), "pkgdata/data.txt,,\n");
      const plan = planRemoval(dist(site, "pkg"), { scriptsDir: bin, environmentDirs: [root] });
      assertEquals(plan.paths, [join(site, "pkgdata/data.txt")]);
    } finally {
      Deno.removeSync(root, { recursive: true });
    }
  });
  await t.step("outside a virtualenv, a path outside the scheme's directories stays", () => {
    const { root, site, bin } = env();
    const outside = Deno.makeTempDirSync();
    try {
      write(join(outside, "x.txt"));
      write(
        join(site, "pkg-1.0.dist-info/METADATA"),
        "Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n",
      );
      write(
        join(site, "pkg-1.0.dist-info/RECORD"),
        `${relative(site, join(outside, "x.txt"))},,\n`,
      );
      const plan = planRemoval(dist(site, "pkg"), { scriptsDir: bin, schemeDirs: [site, bin] });
      assertEquals(plan.paths, []);
      assertEquals(plan.outside, [join(outside, "x.txt")]);
    } finally {
      Deno.removeSync(root, { recursive: true });
      Deno.removeSync(outside, { recursive: true });
    }
  });
});
