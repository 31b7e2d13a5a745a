import { assertEquals, assertRejects } from "../helpers/assert.ts";
import {
  buildSpecification,
  hashesByProject,
  InvalidConstraintError,
} from "../../lib/requirements/specification.ts";
import type { PathKind } from "../../lib/requirements/source.ts";

const files: Record<string, string> = {
  "/w/req.txt": "foo==1 --hash=sha256:aa\nfoo==1 --hash=sha256:bb\n-i http://i/simple\n-e ./proj\n",
  "/w/c.txt": "bar<2\n",
  "/w/bad-extra.txt": "bar[x]<2\n",
  "/w/bad-url.txt": "bar @ https://h/bar-1.0.tar.gz\n",
  "/w/bad-unnamed.txt": "./dist/bar-1.0.tar.gz\n",
  "/w/bad-editable.txt": "-e git+https://h/r#egg=r\n",
};
const tree: Record<string, PathKind> = {
  "/w/proj": "directory",
  "/w/proj/setup.py": "file",
  "/w/dist/bar-1.0.tar.gz": "file",
};
const options = {
  cwd: "/w",
  env: {},
  read: (p: string) => Promise.resolve(files[p] ?? ""),
  stat: (p: string) => tree[p],
};

Deno.test("buildSpecification() merges args, -r, -c and -e", async () => {
  const spec = await buildSpecification({
    args: ["baz>=3"],
    requirementFiles: ["/w/req.txt"],
    constraintFiles: ["/w/c.txt"],
    editables: ["./proj"],
  }, options);
  assertEquals(spec.requirements.map((r) => [r.source.text, r.source.editable]), [
    ["baz>=3", false],
    ["./proj", true],
    ["foo==1", false],
    ["foo==1", false],
    ["./proj", true],
  ]);
  assertEquals(spec.constraints.map((c) => c.text), ["bar<2"]);
  assertEquals(spec.fileOptions.indexUrl, "http://i/simple");
  assertEquals(hashesByProject(spec).get("foo" as never), { sha256: ["aa", "bb"] });
});

for (
  const [file, problem] of [
    ["/w/bad-extra.txt", "constraints cannot have extras"],
    ["/w/bad-url.txt", "constraints cannot be URLs or paths"],
    ["/w/bad-unnamed.txt", "unnamed requirements are not allowed as constraints"],
    ["/w/bad-editable.txt", "editable requirements are not allowed as constraints"],
  ]
) {
  Deno.test(`a constraint is refused: ${problem}`, async () => {
    const error = await assertRejects(
      () => buildSpecification({ constraintFiles: [file as string] }, options),
      InvalidConstraintError,
    );
    assertEquals(error.message.endsWith(`: ${problem}`), true, error.message);
    assertEquals(error.message.includes(`(${file}:1)`), true, error.message);
  });
}
