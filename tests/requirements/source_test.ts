import { assertEquals, assertThrows } from "../helpers/assert.ts";
import {
  InvalidRequirementSourceError,
  parseRequirementSource,
  type PathKind,
} from "../../lib/requirements/source.ts";

const tree: Record<string, PathKind> = {
  "/w/dist/foo-1.0-py3-none-any.whl": "file",
  "/w/dist/bar-2.0.tar.gz": "file",
  "/w/proj": "directory",
  "/w/proj/pyproject.toml": "file",
  "/w/empty": "directory",
  "/w/notes.txt": "file",
};
const options = { cwd: "/w", stat: (p: string) => tree[p] };

function summary(text: string, extra: { editable?: boolean } = {}) {
  const s = parseRequirementSource(text, { ...options, ...extra });
  return {
    kind: s.kind,
    name: s.name as string | undefined,
    requirement: s.requirement === undefined ? undefined : String(s.requirement),
    extras: s.extras,
    marker: s.marker === undefined ? undefined : String(s.marker),
    url: "url" in s ? s.url : undefined,
    detail: s.kind === "path"
      ? s.pathKind
      : s.kind === "url"
      ? s.archive
      : s.kind === "vcs"
      ? s.vcs
      : undefined,
    hashes: s.urlHashes,
    subdirectory: "subdirectory" in s ? s.subdirectory : undefined,
  };
}

const cases: [string, Partial<ReturnType<typeof summary>>][] = [
  ["Requests[Socks]>=2 ; python_version >= '3'", {
    kind: "registry",
    name: "requests",
    extras: ["socks"],
    marker: 'python_version >= "3"',
  }],
  ["./dist/foo-1.0-py3-none-any.whl", {
    kind: "path",
    name: "foo",
    requirement: "foo==1.0",
    detail: "wheel",
    url: "file:///w/dist/foo-1.0-py3-none-any.whl",
  }],
  ["dist/bar-2.0.tar.gz", { kind: "path", name: undefined, detail: "sdist" }],
  ["./proj[dev,test]", { kind: "path", detail: "directory", extras: ["dev", "test"] }],
  ["https://h/x/foo-1.0-py3-none-any.whl#sha256=ABC", {
    kind: "url",
    name: "foo",
    requirement: "foo==1.0",
    detail: "wheel",
    hashes: { sha256: "abc" },
  }],
  ["https://h/pkg.tar.gz#egg=pkg[extra]&subdirectory=sub", {
    kind: "url",
    name: "pkg",
    extras: ["extra"],
    detail: "sdist",
    subdirectory: "sub",
  }],
  ["pkg @ https://h/pkg.tar.gz ; sys_platform == 'linux'", {
    kind: "url",
    name: "pkg",
    marker: 'sys_platform == "linux"',
    detail: "sdist",
  }],
  ["foo[x] @ file:///w/dist/foo-1.0-py3-none-any.whl", {
    kind: "path",
    name: "foo",
    extras: ["x"],
    detail: "wheel",
  }],
  ["git+https://example.com/a/b.git@v1#egg=b", { kind: "vcs", name: "b", detail: "git" }],
  ["file:///w/proj", { kind: "path", detail: "directory" }],
  ["https://h/a.whl.zip?x=1 ; python_version < '4'", {
    kind: "url",
    marker: 'python_version < "4"',
    detail: "sdist",
  }],
];

for (const [text, expected] of cases) {
  Deno.test(`parseRequirementSource(${JSON.stringify(text)})`, () => {
    const got = summary(text);
    for (const [key, value] of Object.entries(expected)) {
      assertEquals(got[key as keyof typeof got], value, `${key} of ${text}`);
    }
  });
}

Deno.test("editable requirements must be directories or VCS URLs", () => {
  assertEquals(summary("./proj", { editable: true }).kind, "path");
  assertEquals(summary("git+https://h/r#egg=r", { editable: true }).kind, "vcs");
  assertThrows(
    () => parseRequirementSource("requests", { ...options, editable: true }),
    InvalidRequirementSourceError,
    "an editable requirement must be a local project directory or a VCS URL",
  );
});

const errors: [string, string][] = [
  ["./missing.whl", 'Invalid requirement "./missing.whl": /w/missing.whl does not exist'],
  [
    "./empty",
    'Invalid requirement "./empty": directory /w/empty is not installable: neither setup.py nor pyproject.toml found',
  ],
  [
    "./notes.txt",
    'Invalid requirement "./notes.txt": /w/notes.txt is not a wheel (.whl), an sdist (.tar.gz, .zip) or a directory',
  ],
];

for (const [text, message] of errors) {
  Deno.test(`parseRequirementSource() rejects ${text}`, () => {
    const error = assertThrows(
      () => parseRequirementSource(text, options),
      InvalidRequirementSourceError,
    );
    assertEquals(error.message, message);
  });
}

Deno.test("a bad specifier names the input and hints at ==", () => {
  const error = assertThrows(
    () => parseRequirementSource("foo=1", { ...options, origin: "r.txt:3" }),
    InvalidRequirementSourceError,
  );
  assertEquals(
    error.message,
    'Invalid requirement "foo=1" (r.txt:3): expected a version specifier, "@ URL", ";" or end of input after the name, found "=1" at position 3',
  );
  assertEquals(error.hint, "= is not a valid operator. Did you mean == ?");
});
