import { assert, assertEquals, assertMatch, assertRejects } from "../helpers/assert.ts";
import { startIndexServer, wheelFile } from "../helpers/index_server.ts";

const JSON_ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.01";

Deno.test("index server: HTML and JSON pages by Accept, with PEP 658/592/700 data", async () => {
  const wheel = wheelFile({
    name: "Demo.X",
    version: "1.0",
    metadata: { requiresPython: ">=3.8", requiresDist: ["b<2"] },
  });
  const server = await startIndexServer({
    files: [wheel, {
      filename: "demo_x-2.0.tar.gz",
      bytes: new Uint8Array([1]),
      yanked: "bad <x>",
    }],
  });
  try {
    const json = await (await fetch(server.url + "demo-x/", {
      headers: { accept: JSON_ACCEPT },
    })).json();
    assertEquals(json.name, "demo-x");
    assertEquals(json.versions, ["1.0", "2.0"]);
    assertEquals(json.files[0]["requires-python"], ">=3.8");
    assertEquals(json.files[1].yanked, "bad <x>");
    assertEquals(json.files[1]["core-metadata"], false);
    assertEquals(json.files[1].size, 1);
    const html = await (await fetch(server.url + "demo-x/")).text();
    assertMatch(html, /href="..\/..\/files\/demo_x-1.0-py3-none-any.whl#sha256=[0-9a-f]{64}"/);
    assertMatch(html, /data-requires-python="&gt;=3.8"/);
    assertMatch(html, /data-yanked="bad &lt;x&gt;"/);
    assertMatch(html, /data-core-metadata="sha256=[0-9a-f]{64}"/);
    const metadata = await (await fetch(server.fileUrl(wheel.filename) + ".metadata")).text();
    assertMatch(metadata, /Requires-Dist: b<2/);
    const other = await fetch(server.url + "Demo_X/", { redirect: "manual" });
    await other.body?.cancel();
    assertEquals(other.status, 301);
    assertEquals(server.requests.map((r) => r.status), [200, 200, 200, 301]);
  } finally {
    await server.close();
  }
});

Deno.test("index server: faults apply `times` times, then requests succeed", async () => {
  const wheel = wheelFile({ name: "demo", version: "1.0" });
  const server = await startIndexServer({
    files: [wheel],
    faults: [
      { path: "/files/", kind: "status", status: 502, times: 1 },
      { path: "/files/", kind: "truncate", times: 1 },
      { path: "/files/", kind: "corrupt", times: 1 },
    ],
  });
  try {
    const first = await fetch(server.fileUrl(wheel.filename));
    await first.body?.cancel();
    assertEquals(first.status, 502);
    await assertRejects(() => fetch(server.fileUrl(wheel.filename)).then((r) => r.bytes()));
    const corrupt = await (await fetch(server.fileUrl(wheel.filename))).bytes();
    assertEquals(corrupt.length, wheel.bytes.length);
    assert(corrupt.at(-1) !== wheel.bytes.at(-1));
    const good = await (await fetch(server.fileUrl(wheel.filename))).bytes();
    assertEquals(good, wheel.bytes);
  } finally {
    await server.close();
  }
});

Deno.test("index server: basic auth, ranges and revalidation", async () => {
  const wheel = wheelFile({ name: "demo", version: "1.0" });
  const server = await startIndexServer({
    files: [wheel],
    auth: { username: "user", password: "pw" },
  });
  const authorization = "Basic " + btoa("user:pw");
  try {
    const denied = await fetch(server.url + "demo/");
    await denied.body?.cancel();
    assertEquals(denied.status, 401);
    const page = await fetch(server.url + "demo/", { headers: { authorization } });
    await page.body?.cancel();
    const etag = page.headers.get("etag") ?? "";
    const again = await fetch(server.url + "demo/", {
      headers: { authorization, "if-none-match": etag },
    });
    assertEquals(again.status, 304);
    const tail = await fetch(server.fileUrl(wheel.filename), {
      headers: { authorization, range: "bytes=-10" },
    });
    assertEquals(tail.status, 206);
    assertEquals(await tail.bytes(), wheel.bytes.subarray(wheel.bytes.length - 10));
  } finally {
    await server.close();
  }
});
