/**
 * Progress as a terminal shows it, under tmux (`capture-pane`): dpip runs
 * as a real process in a tmux pane and installs a 3 MB wheel of 3,000 files
 * from a server here that sends it slowly. While it runs, the pane is
 * captured again and again: the download bar with its speed and time left
 * appears, then the status line of the install phases; at the end nothing
 * of them is left, only pip's lines. Piped through `cat` in the same pane,
 * the output is plain: no bar, no status line, no escape sequence.
 */

import { join } from "node:path";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { formatSize } from "../../lib/cli/progress.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { buildWheel, formatMetadata } from "../helpers/wheel_builder.ts";
import { makeVenv, python311, tempHome } from "./install_support.ts";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

async function hasTmux(): Promise<boolean> {
  try {
    return (await new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" })
      .output()).success;
  } catch {
    return false;
  }
}

const tmux = await hasTmux();

/** Deno's cache directory, so that the dpip process in the pane finds what this one has. */
async function denoDir(): Promise<string> {
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
  })
    .output();
  return JSON.parse(new TextDecoder().decode(info.stdout)).denoDir;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A one-project index whose wheel is sent in 64 KiB pieces, one every 60 ms. */
async function slowIndex() {
  const random = new Uint8Array(3_000_000);
  for (let i = 0; i < random.length; i += 65536) {
    crypto.getRandomValues(random.subarray(i, Math.min(i + 65536, random.length)));
  }
  const files: Record<string, string | Uint8Array> = { "big/blob.bin": random };
  for (let i = 0; i < 3000; i++) files[`big/m${i}.py`] = `N = ${i}\n`;
  const wheel = buildWheel({ name: "big", version: "1.0", files });
  const metadata = new TextEncoder().encode(formatMetadata("big", "1.0"));
  const hash = await sha256(wheel.bytes);
  const metaHash = await sha256(metadata);
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/simple/big/") {
      return new Response(
        `<a href="/files/${wheel.filename}#sha256=${hash}" data-dist-info-metadata="sha256=${metaHash}">${wheel.filename}</a>`,
        { headers: { "content-type": "text/html" } },
      );
    }
    if (path === `/files/${wheel.filename}.metadata`) return new Response(metadata);
    if (path === `/files/${wheel.filename}`) {
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent >= wheel.bytes.length) return controller.close();
          await new Promise((resolve) => setTimeout(resolve, 60));
          const end = Math.min(sent + 65536, wheel.bytes.length);
          controller.enqueue(wheel.bytes.slice(sent, end));
          sent = end;
        },
      });
      return new Response(body, { headers: { "content-length": String(wheel.bytes.length) } });
    }
    return new Response("not found", { status: 404 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/simple/`,
    size: formatSize(wheel.bytes.length),
    close: () => server.shutdown(),
  };
}

/** Runs `command` in a fresh tmux server's pane; captures the pane until `DONE` shows. */
async function inTmux(command: string, env: Record<string, string>): Promise<string[]> {
  const socket = `dpip-test-${crypto.randomUUID().slice(0, 8)}`;
  const tmuxRun = (args: string[]) =>
    new Deno.Command("tmux", {
      args: ["-L", socket, ...args],
      env,
      clearEnv: true,
      stdout: "piped",
    })
      .output();
  await tmuxRun([
    "new-session",
    "-d",
    "-x",
    "160",
    "-y",
    "48",
    `${command}; echo DONE; sleep 60`,
  ]);
  const snapshots: string[] = [];
  try {
    for (let i = 0; i < 1200; i++) {
      const shot = new TextDecoder().decode((await tmuxRun(["capture-pane", "-p"])).stdout);
      if (snapshots.at(-1) !== shot) snapshots.push(shot);
      if (/^DONE$/m.test(shot)) break;
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  } finally {
    await tmuxRun(["kill-server"]);
  }
  return snapshots;
}

Deno.test({
  name:
    "under tmux: download speed and time left, a status line while installing, nothing left after",
  ignore: skipUnless(tmux && python311, "tmux and pyenv Python 3.11"),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { home, done } = await tempHome("dpip-tmux-");
    const index = await slowIndex();
    try {
      const venv = await makeVenv(join(home, "venv"));
      const env = {
        HOME: home,
        PATH: Deno.env.get("PATH") ?? "",
        TERM: "xterm-256color",
        DENO_DIR: await denoDir(),
        PIP_CONFIG_FILE: "/dev/null",
      };
      const dpip = `${Deno.execPath()} run -A ${join(REPO, "main.ts")}`;
      const install = (venvPython: string, cache: string) =>
        `${dpip} install --python ${venvPython} -i ${index.url} --cache-dir ${
          join(home, cache)
        } big`;
      const shots = await inTmux(install(venv.python, "cache-a"), env);
      const final = shots.at(-1)!;
      assert(/^DONE$/m.test(final), final);
      const bar = shots.find((shot) =>
        /big-1\.0-py3-none-any\.whl .*━.* \d+(\.\d)? [kM]B\/s eta \d:\d\d:\d\d/.test(shot)
      );
      assert(bar !== undefined, `no download bar with speed and eta in ${shots.length} captures`);
      assert(/\d\/1 files, .* at .*\/s/.test(bar!), bar);
      assert(
        shots.some((shot) => /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] (Unpacking|Installing) /.test(shot)),
        `no status line in ${shots.length} captures`,
      );
      // Afterwards: pip's lines only, nothing of the bars or the status line.
      const lines = final.split("\n").filter((line) => line.trim() !== "");
      assertEquals(lines, [
        `Looking in indexes: ${index.url}`,
        "Collecting big",
        `Downloading big-1.0-py3-none-any.whl (${index.size})`,
        "Installing collected packages: big",
        "Successfully installed big-1.0",
        "DONE",
      ]);

      // Piped: plain lines, nothing drawn, not one escape sequence.
      const other = await makeVenv(join(home, "other"));
      const log = join(home, "piped.txt");
      const piped = await inTmux(`${install(other.python, "cache-b")} 2>&1 | tee ${log}`, env);
      const text = await Deno.readTextFile(log);
      assertEquals(text.includes("\x1b"), false, JSON.stringify(text));
      assertEquals(text.includes("\r"), false, JSON.stringify(text));
      assertEquals(text.split("\n").filter((line) => line !== ""), lines.slice(0, -1));
      assertEquals(piped.some((shot) => shot.includes("━") || shot.includes("eta ")), false);
    } finally {
      await index.close();
      await done();
    }
  },
});
