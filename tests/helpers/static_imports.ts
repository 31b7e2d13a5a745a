/**
 * The modules a program reaches through static imports, from `deno info
 * --json`: each is loaded (from source, its transpile cache checked) before
 * the program runs. The first `node:` module boots Deno's Node compatibility
 * layer (~12–20 ms of start-up), so the commands that must start fast reach
 * none.
 *
 * @module
 */

const REPO = new URL("../../", import.meta.url).href;

/** One module of `deno info --json`, as far as this test reads it. */
interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
}

/** For each `node:` module statically reachable from `root`, the import chain leading to it. */
export async function staticNodeImports(root: string): Promise<string[]> {
  return await staticImportChains(root, (specifier) => specifier.startsWith("node:"));
}

/**
 * For each module statically reachable from `root` whose specifier (a
 * repository file relative to the repository, as `lib/paths.ts`) `matches`,
 * the import chain leading to it.
 */
export async function staticImportChains(
  root: string,
  matches: (specifier: string) => boolean,
): Promise<string[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", root],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    roots: string[];
    modules: InfoModule[];
  };
  const bySpecifier = new Map(info.modules.map((module) => [module.specifier, module]));
  const parent = new Map<string, string>();
  const queue = [...info.roots];
  const seen = new Set(queue);
  const chains: string[] = [];
  const chainOf = (specifier: string): string => {
    const chain = [specifier];
    for (let at = parent.get(specifier); at !== undefined; at = parent.get(at)) chain.push(at);
    return chain.reverse().map((s) => s.replace(REPO, "")).join(" -> ");
  };
  for (let specifier = queue.shift(); specifier !== undefined; specifier = queue.shift()) {
    if (matches(specifier.replace(REPO, ""))) {
      chains.push(chainOf(specifier));
      continue;
    }
    for (const dependency of bySpecifier.get(specifier)?.dependencies ?? []) {
      const next = dependency.code?.specifier;
      if (next === undefined || dependency.isDynamic === true || seen.has(next)) continue;
      seen.add(next);
      parent.set(next, specifier);
      queue.push(next);
    }
  }
  return chains;
}
