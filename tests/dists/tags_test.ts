import {
  bestTagPriority,
  compatibleTags,
  InvalidTagError,
  InvalidTagFactsError,
  isCompatible,
  macPlatforms,
  manylinuxPlatforms,
  parseTag,
  Tag,
  type TagFacts,
  tagPriorities,
} from "../../lib/dists/tags.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { oraclePython, pyenvPython, runPythonJson, skipUnless } from "../helpers/python.ts";
import { Random } from "../helpers/random.ts";
import { linuxCpythonFacts } from "../helpers/tag_facts.ts";

const oracle = await oraclePython();

/** The oracle's site-packages directory, so other interpreters can import its `packaging`. */
async function oracleSitePackages(): Promise<string> {
  const result = await runPythonJson<string>(
    oracle!,
    "import json, os, packaging; print(json.dumps(os.path.dirname(os.path.dirname(packaging.__file__))))",
    null,
  );
  return result;
}

const linuxFacts: TagFacts = linuxCpythonFacts(3, 11);

Deno.test("Tag lowercases its parts and prints interpreter-abi-platform", () => {
  const tag = new Tag("CP311", "Abi3", "Win_AMD64");
  assertEquals([tag.interpreter, tag.abi, tag.platform], ["cp311", "abi3", "win_amd64"]);
  assertEquals(String(tag), "cp311-abi3-win_amd64");
});

Deno.test("parseTag() expands compressed tag sets without duplicates", () => {
  assertEquals(parseTag("py3-none-any").map(String), ["py3-none-any"]);
  assertEquals(parseTag("py2.py3-none-any").map(String), ["py2-none-any", "py3-none-any"]);
  assertEquals(
    parseTag("cp39.cp39-abi3.none-macosx_10_9_x86_64.macosx_11_0_arm64").map(String),
    [
      "cp39-abi3-macosx_10_9_x86_64",
      "cp39-abi3-macosx_11_0_arm64",
      "cp39-none-macosx_10_9_x86_64",
      "cp39-none-macosx_11_0_arm64",
    ],
  );
});

Deno.test("parseTag() rejects text without exactly three parts", () => {
  for (const text of ["py3-none", "py3-none-any-x", ""]) {
    const error = assertThrows(() => parseTag(text), InvalidTagError, JSON.stringify(text));
    assertEquals(error.code, "invalid-tag");
    assertEquals(error.input, text);
    assert(!error.message.includes("\n"));
  }
});

Deno.test("compatibleTags() orders CPython on manylinux as packaging does", () => {
  const tags = compatibleTags(linuxFacts).map(String);
  assertEquals(tags.slice(0, 3), [
    "cp311-cp311-manylinux_2_35_x86_64",
    "cp311-cp311-manylinux_2_34_x86_64",
    "cp311-cp311-manylinux_2_33_x86_64",
  ]);
  assert(tags.includes("cp311-cp311-manylinux2014_x86_64"));
  assertEquals(
    tags.indexOf("cp311-cp311-manylinux2014_x86_64"),
    tags.indexOf("cp311-cp311-manylinux_2_17_x86_64") + 1,
  );
  assert(tags.indexOf("cp311-abi3-linux_x86_64") < tags.indexOf("cp311-none-manylinux1_x86_64"));
  assertEquals(tags.slice(-3), ["py32-none-any", "py31-none-any", "py30-none-any"]);
  assert(tags.indexOf("cp311-none-any") < tags.indexOf("py311-none-any"));
});

Deno.test("compatibleTags() names the fact that is missing", () => {
  assertThrows(
    () => compatibleTags({ ...linuxFacts, system: "Darwin" }),
    InvalidTagFactsError,
    "macVersion",
  );
  assertThrows(
    () => compatibleTags({ ...linuxFacts, implementationName: "pypy", configVars: {} }),
    InvalidTagFactsError,
    "EXT_SUFFIX",
  );
});

Deno.test("macPlatforms() covers macOS 11+ versioning and universal2 fallbacks", () => {
  const arm = macPlatforms([12, 3], "arm64");
  assertEquals(arm.slice(0, 4), [
    "macosx_12_0_arm64",
    "macosx_12_0_universal2",
    "macosx_11_0_arm64",
    "macosx_11_0_universal2",
  ]);
  assertEquals(arm.slice(4, 6), ["macosx_10_16_universal2", "macosx_10_15_universal2"]);
  assertEquals(arm.at(-1), "macosx_10_4_universal2");
  const intel = macPlatforms([10, 4], "x86_64");
  assertEquals(intel, [
    "macosx_10_4_x86_64",
    "macosx_10_4_intel",
    "macosx_10_4_fat64",
    "macosx_10_4_fat32",
    "macosx_10_4_universal2",
    "macosx_10_4_universal",
  ]);
});

Deno.test("manylinuxPlatforms() needs a hard-float ELF for armv7l", () => {
  assertEquals(manylinuxPlatforms([2, 17], ["armv7l"], {}), []);
  const elf = { elfClass: 1, elfData: 1, machine: 40, flags: 0x05000400 };
  assertEquals(manylinuxPlatforms([2, 17], ["armv7l"], { executableElf: elf }), [
    "manylinux_2_17_armv7l",
    "manylinux2014_armv7l",
  ]);
});

Deno.test("tagPriorities(), bestTagPriority() and isCompatible() rank a wheel's tags", () => {
  const compatible = compatibleTags(linuxFacts);
  const priorities = tagPriorities(compatible);
  const wheelTags = parseTag("py2.py3-none-any");
  assert(isCompatible(wheelTags, priorities));
  assertEquals(bestTagPriority(wheelTags, priorities), priorities.get("py3-none-any"));
  const binary = parseTag("cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64");
  assert(bestTagPriority(binary, priorities)! < bestTagPriority(wheelTags, priorities)!);
  const windows = parseTag("cp311-cp311-win_amd64");
  assert(!isCompatible(windows, priorities));
  assertEquals(bestTagPriority(windows, priorities), undefined);
});

/** Collects TagFacts inside a real interpreter, and what packaging's sys_tags() says there. */
const realFactsScript = String.raw`
import json, os, platform, re, struct, sys, sysconfig
from importlib.machinery import EXTENSION_SUFFIXES
sys.path.insert(0, json.load(sys.stdin))
from packaging import tags, _musllinux

def elf():
    try:
        with open(sys.executable, "rb") as f:
            h = f.read(64)
    except OSError:
        return None
    if h[:4] != b"\x7fELF" or len(h) < 52:
        return None
    e = "<" if h[5] == 1 else ">"
    flags = h[36:40] if h[4] == 1 else h[48:52]
    return {"elfClass": h[4], "elfData": h[5], "machine": struct.unpack(e + "H", h[18:20])[0],
            "flags": struct.unpack(e + "I", flags)[0]}

def glibc():
    try:
        m = re.match(r"(\d+)\.(\d+)", os.confstr("CS_GNU_LIBC_VERSION").split()[1])
    except Exception:
        return None
    return [int(m.group(1)), int(m.group(2))] if m else None

names = ["EXT_SUFFIX", "SOABI", "Py_DEBUG", "WITH_PYMALLOC", "Py_UNICODE_SIZE",
         "Py_GIL_DISABLED", "py_version_nodot"]
musl = _musllinux._get_musl_version(sys.executable)
facts = {
    "implementationName": sys.implementation.name,
    "pythonVersion": list(sys.version_info[:2]),
    "system": platform.system(),
    "platform": sysconfig.get_platform(),
    "is32Bit": struct.calcsize("P") == 4,
    "configVars": {n: sysconfig.get_config_var(n) for n in names},
    "abiflags": getattr(sys, "abiflags", ""),
    "hasTotalRefcount": hasattr(sys, "gettotalrefcount"),
    "extensionSuffixes": list(EXTENSION_SUFFIXES),
    "maxUnicode": sys.maxunicode,
    "glibcVersion": glibc(),
    "muslVersion": list(musl) if musl else None,
    "executableElf": elf(),
}
print(json.dumps({"facts": facts, "tags": [str(t) for t in tags.sys_tags()]}))
`;

for (const minor of ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]) {
  const python = await pyenvPython(minor);
  Deno.test({
    name: `compatibleTags() equals packaging's sys_tags() in Python ${minor}`,
    ignore: skipUnless(python && oracle, `pyenv Python ${minor} and the packaging oracle`),
    fn: async () => {
      const site = await oracleSitePackages();
      const result = await runPythonJson<{ facts: TagFacts; tags: string[] }>(
        python!,
        realFactsScript,
        site,
      );
      assert(result.tags.length > 100);
      assertEquals(compatibleTags(result.facts).map(String), result.tags);
    },
  });
}

/**
 * Runs packaging's sys_tags() with the interpreter, sysconfig, platform, glibc,
 * musl and ELF facts replaced by the given ones.
 */
const syntheticScript = String.raw`
import json, os, struct, sys, tempfile, types
from packaging import tags, _manylinux, _musllinux

real_sys = sys
cases = json.load(sys.stdin)
out = []
fd, elf_path = tempfile.mkstemp()
os.close(fd)
for f in cases:
    elf = f.get("executableElf")
    with open(elf_path, "wb") as handle:
        if elf:
            e = "<" if elf["elfData"] == 1 else ">"
            ident = b"\x7fELF" + bytes([elf["elfClass"], elf["elfData"], 1]) + bytes(9)
            if elf["elfClass"] == 1:
                body = struct.pack(e + "HHIIIIIHHHHHH", 2, elf["machine"], 1, 0, 0, 0, elf["flags"], 52, 0, 0, 0, 0, 0)
            else:
                body = struct.pack(e + "HHIQQQIHHHHHH", 2, elf["machine"], 1, 0, 0, 0, elf["flags"], 64, 0, 0, 0, 0, 0)
            handle.write(ident + body)
    cv = f["configVars"]
    fake_sys = types.SimpleNamespace(
        version_info=tuple(f["pythonVersion"]) + (0, "final", 0),
        maxunicode=f["maxUnicode"],
        implementation=types.SimpleNamespace(name=f["implementationName"], _multiarch=f.get("multiarch")),
        executable=elf_path,
    )
    if f["hasTotalRefcount"]:
        fake_sys.gettotalrefcount = lambda: 0
    tags.sys = fake_sys
    tags.sysconfig = types.SimpleNamespace(
        get_config_var=lambda name, cv=cv: cv.get(name), get_platform=lambda p=f["platform"]: p)
    tags.EXTENSION_SUFFIXES = f["extensionSuffixes"]
    mac = f.get("macVersion") or [0, 0]
    ios = f.get("iosVersion") or [0, 0]
    tags.platform = types.SimpleNamespace(
        system=lambda s=f["system"]: s,
        mac_ver=lambda v="%d.%d" % tuple(mac), a=f.get("macArch"): (v, ("", "", ""), a),
        ios_ver=lambda v="%d.%d" % tuple(ios): ("iOS", v, "iPhone", False),
        android_ver=lambda a=f.get("androidApiLevel"): types.SimpleNamespace(api_level=a),
    )
    tags._linux_platforms.__defaults__ = (f["is32Bit"],)
    tags._mac_arch.__defaults__ = (f["is32Bit"],)
    g = f.get("glibcVersion")
    _manylinux._get_glibc_version = lambda g=g: _manylinux._GLibCVersion(*g) if g else _manylinux._GLibCVersion(-1, -1)
    _manylinux.sys = types.SimpleNamespace(executable=elf_path if elf else "/nonexistent")
    m = f.get("muslVersion")
    _musllinux._get_musl_version = lambda exe, m=m: _musllinux._MuslVersion(*m) if m else None
    try:
        out.append([str(t) for t in tags.sys_tags()])
    except Exception as e:
        out.append({"error": type(e).__name__})
os.unlink(elf_path)
tags.sys = real_sys
print(json.dumps(out))
`;

function generateFacts(random: Random): TagFacts {
  const implementation = random.pick(["cpython", "cpython", "cpython", "pypy", "graalpy", "other"]);
  const major = implementation === "cpython" && random.chance(0.1) ? 2 : 3;
  const minor = major === 2 ? 7 : random.int(0, 15);
  const version = `${major}${minor}`;
  const system = random.pick([
    "Linux",
    "Linux",
    "Darwin",
    "Windows",
    "iOS",
    "Android",
    "Emscripten",
  ]);
  const is32Bit = random.chance(0.2);
  const maybe = <T>(values: readonly T[]): T | null | undefined =>
    random.chance(0.2) ? null : random.chance(0.1) ? undefined : random.pick(values);
  let extSuffix: string | null;
  if (implementation === "cpython") {
    extSuffix = system === "Windows"
      ? random.pick([`.cp${version}-win_amd64.pyd`, ".pyd"])
      : `.cpython-${version}-x86_64-linux-gnu.so`;
  } else if (implementation === "pypy") {
    extSuffix = random.pick([
      `.pypy${version}-pp73-x86_64-linux-gnu.so`,
      ".pyd",
      `.pypy${version}-pp73-win_amd64.pyd`,
    ]);
  } else if (implementation === "graalpy") {
    extSuffix = `.graalpy-${version}-native-x86_64-darwin.dylib`;
  } else {
    extSuffix = random.pick([".so", ".pyston-23-x86_64.so", "..so", "so", null]);
  }
  const platforms: Record<string, readonly string[]> = {
    Linux: [
      "linux-x86_64",
      "linux-i686",
      "linux-aarch64",
      "linux-armv7l",
      "linux-armv8l",
      "linux-armv6l",
      "linux-ppc64le",
      "linux-s390x",
      "linux-riscv64",
      "linux-loongarch64",
      "freebsd-13.2-RELEASE-amd64",
    ],
    Darwin: ["macosx-11.0-arm64", "macosx-10.9-universal2"],
    Windows: ["win32", "win-amd64", "win-arm64"],
    iOS: ["ios-13.0-arm64-iphoneos"],
    Android: ["android-24-arm64_v8a", "android-21-x86_64", "android-24-armeabi-v7a"],
    Emscripten: ["emscripten-3.1.58-wasm32"],
  };
  const facts: {
    -readonly [K in keyof TagFacts]: TagFacts[K];
  } = {
    implementationName: implementation,
    pythonVersion: [major, minor],
    system,
    platform: random.pick(platforms[system]!),
    is32Bit,
    configVars: {
      EXT_SUFFIX: extSuffix,
      Py_DEBUG: maybe([0, 1]),
      WITH_PYMALLOC: maybe([0, 1]),
      Py_UNICODE_SIZE: maybe([2, 4]),
      Py_GIL_DISABLED: maybe([0, 1]),
      py_version_nodot: random.chance(0.8) ? version : random.pick([null, "", `${major}_${minor}`]),
      PYEMSCRIPTEN_PLATFORM_VERSION: random.pick([null, "2024_0"]),
    },
    hasTotalRefcount: random.chance(0.2),
    extensionSuffixes: random.chance(0.1) ? ["_d.pyd", ".pyd"] : [".so"],
    maxUnicode: random.pick([0xffff, 0x10ffff]),
  };
  if (system === "Linux") {
    facts.glibcVersion = random.chance(0.2)
      ? null
      : random.chance(0.1)
      ? [3, random.int(0, 3)]
      : [2, random.int(3, 41)];
    facts.muslVersion = random.chance(0.3) ? [1, random.int(0, 2)] : null;
    facts.executableElf = random.chance(0.3) ? null : {
      elfClass: random.pick([1, 2]),
      elfData: random.pick([1, 1, 2]),
      machine: random.pick([3, 40, 62, 183]),
      flags: random.pick([0x05000400, 0x05000000, 0x04000400, 0]),
    };
  } else if (system === "Darwin") {
    facts.macVersion = random.chance(0.5)
      ? [10, random.pick([0, 3, 4, 5, 6, 7, 9, 12, 15])]
      : [random.int(11, 26), random.int(0, 6)];
    facts.macArch = random.pick(["arm64", "x86_64", "i386", "ppc", "ppc64", "universal2"]);
  } else if (system === "iOS") {
    facts.iosVersion = [random.int(10, 18), random.int(0, 5)];
    facts.multiarch = random.pick(["arm64-iphoneos", "x86_64_iphonesimulator"]);
  } else if (system === "Android") {
    facts.androidApiLevel = random.int(14, 35);
  }
  return facts;
}

Deno.test({
  name: "compatibleTags() equals packaging's sys_tags() for 600 synthetic interpreters",
  ignore: skipUnless(oracle, "Python 3.11 with packaging"),
  fn: async () => {
    const random = new Random(425);
    const cases = Array.from({ length: 600 }, () => generateFacts(random));
    const expected = await runPythonJson<(string[] | { error: string })[]>(
      oracle!,
      syntheticScript,
      cases,
    );
    let errors = 0;
    cases.forEach((facts, index) => {
      const want = expected[index]!;
      let got: string[] | { error: string };
      try {
        got = compatibleTags(facts).map(String);
      } catch (error) {
        assert(error instanceof InvalidTagFactsError, String(error));
        got = { error: "SystemError" };
        errors++;
      }
      assertEquals(got, want, `case ${index}: ${JSON.stringify(facts)}`);
    });
    assert(errors > 0 && errors < cases.length / 4);
  },
});
