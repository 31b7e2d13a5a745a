/**
 * The dpip executable: binds `main(args, io)` to the real process.
 *
 * @module
 */

import { main } from "./lib/cli/mod.ts";
import type { Io } from "./lib/cli/mod.ts";
import { readInvokedName } from "./lib/cli/invoked_name.ts";
import { dropLauncherVariables } from "./lib/cli/launcher_env.ts";

const encoder = new TextEncoder();

function sink(file: typeof Deno.stdout | typeof Deno.stderr) {
  return {
    write: (text: string) => {
      const bytes = encoder.encode(text);
      let written = 0;
      while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
    },
    isTerminal: file.isTerminal(),
  };
}

async function readLine(): Promise<string | undefined> {
  const buffer = new Uint8Array(1);
  const bytes: number[] = [];
  while (true) {
    const n = await Deno.stdin.read(buffer);
    if (n === null) {
      return bytes.length === 0 ? undefined : new TextDecoder().decode(
        new Uint8Array(bytes),
      );
    }
    if (buffer[0] === 10) return new TextDecoder().decode(new Uint8Array(bytes));
    bytes.push(buffer[0] ?? 0);
  }
}

/**
 * Interrupts asked for by the command: the first SIGINT aborts the signal
 * (the command stops and removes what it made), a second ends the process.
 */
class Interrupts {
  #controller: AbortController | undefined;
  readonly #onSignal = () => {
    if (this.#controller?.signal.aborted === true) Deno.exit(130);
    this.#controller?.abort();
  };

  signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      Deno.addSignalListener("SIGINT", this.#onSignal);
    }
    return this.#controller.signal;
  }

  /** Stops listening (the default SIGINT behaviour is back). */
  release(): void {
    if (this.#controller !== undefined) Deno.removeSignalListener("SIGINT", this.#onSignal);
  }
}

/** The real process as an `Io`. */
export async function processIo(interrupts?: Interrupts): Promise<Io> {
  // argv[0] as the OS passed it (a link's own name), not Deno.execPath(), which follows links;
  // read before the environment is, which it may leave without the launcher's variable.
  const invokedAs = (await readInvokedName()) ?? "dpip";
  dropLauncherVariables();
  return {
    stdout: sink(Deno.stdout),
    stderr: sink(Deno.stderr),
    env: Deno.env.toObject(),
    cwd: Deno.cwd(),
    invokedAs,
    stdinIsTerminal: Deno.stdin.isTerminal(),
    readLine,
    ...(interrupts === undefined ? {} : { interruptSignal: () => interrupts.signal() }),
  };
}

if (import.meta.main) {
  const interrupts = new Interrupts();
  try {
    Deno.exitCode = await main(Deno.args, await processIo(interrupts));
  } finally {
    interrupts.release();
  }
}
