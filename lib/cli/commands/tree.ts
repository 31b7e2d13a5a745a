/**
 * `dpip tree [NAME...] [--reverse] [--depth N]`: the installed dependency
 * tree, drawn as `uv pip tree` draws it (`├──`, `└──`, `v` before versions,
 * `(*)` for a subtree drawn above), with requirements that are not
 * installed or not satisfied, and cycles, marked on their line.
 *
 * @module
 */

import { UsageError } from "../../errors.ts";
import { readTargetDists } from "../../operations/list.ts";
import {
  type DependencyTree,
  dependencyTree,
  treeDocument,
  type TreeNode,
} from "../../operations/tree.ts";
import { wantsJson, writeJson } from "../json_output.ts";
import type { CommandContext } from "../context.ts";
import { ExitCode } from "../exit_codes.ts";
import {
  reportReadWarnings,
  targetEnvironment,
  targetInterpreter,
} from "./installed_environment.ts";

/** The legend line printed under a tree that has `(*)` marks. */
export const SHOWN_ABOVE_LEGEND = "(*) Package tree already displayed";

function nodeLine(node: TreeNode, parent: TreeNode | undefined, reverse: boolean): string {
  const extras = node.extras.length > 0 ? `[${node.extras.join(",")}]` : "";
  let line = `${node.name}${extras}`;
  if (node.version !== undefined) line += ` v${node.version}`;
  if (node.status !== "ok" && node.required !== undefined && parent !== undefined) {
    if (reverse) {
      // Under a requirement that is not installed, the parent's line says so already.
      if (node.status === "conflict" || node.required !== "") {
        line += ` [requires: ${parent.name}${node.required}]`;
      }
    } else if (node.required !== "") line += ` [required: ${node.required}]`;
  }
  if (node.status === "missing" && (!reverse || parent === undefined)) line += " (not installed)";
  else if (node.status === "conflict") line += " (conflict)";
  if (node.repeat === "cycle") line += " (cycle)";
  else if (node.repeat === "shown") line += " (*)";
  return line;
}

/**
 * The text of a tree: one line per node, children indented under their
 * parent with box-drawing branches, and the `(*)` legend when used.
 *
 * @example
 * ```ts ignore
 * formatTree(dependencyTree(dists, environment)).join("\n");
 * // "flask v3.0.2\n├── blinker v1.7.0\n…"
 * ```
 */
export function formatTree(tree: DependencyTree): string[] {
  const lines: string[] = [];
  let shown = false;
  interface Item {
    readonly node: TreeNode;
    readonly parent?: TreeNode;
    readonly prefix: string;
    readonly self: string;
  }
  const stack: Item[] = [];
  for (let i = tree.roots.length - 1; i >= 0; i--) {
    stack.push({ node: tree.roots[i]!, prefix: "", self: "" });
  }
  while (stack.length > 0) {
    const { node, parent, prefix, self } = stack.pop()!;
    lines.push(self + nodeLine(node, parent, tree.reverse));
    if (node.repeat === "shown") shown = true;
    for (let i = node.children.length - 1; i >= 0; i--) {
      const last = i === node.children.length - 1;
      stack.push({
        node: node.children[i]!,
        parent: node,
        prefix: prefix + (last ? "    " : "│   "),
        self: prefix + (last ? "└── " : "├── "),
      });
    }
  }
  if (shown) lines.push(SHOWN_ABOVE_LEGEND);
  return lines;
}

function depthOption(context: CommandContext): number | undefined {
  if (!context.options.has("depth")) return undefined;
  const depth = context.options.number("depth", 0);
  if (!Number.isInteger(depth) || depth < 0) {
    throw new UsageError(
      `--depth must be a whole number of levels, 0 or more (got ${depth})`,
    );
  }
  return depth;
}

/** Runs `dpip tree`. */
export async function runTree(context: CommandContext): Promise<number> {
  const { io, options, args } = context;
  const depth = depthOption(context);
  const interpreter = await targetInterpreter(context);
  const target = targetEnvironment(interpreter);
  const read = readTargetDists(target);
  reportReadWarnings(io, read.warnings);
  const tree = dependencyTree(read.dists, target.markerEnvironment, {
    names: args,
    reverse: options.flag("reverse"),
    ...(depth === undefined ? {} : { depth }),
  });
  if (tree.notFound.length > 0) {
    io.stderr.write(`WARNING: Package(s) not found: ${tree.notFound.join(", ")}\n`);
  }
  if (wantsJson(context)) writeJson(io, treeDocument(tree));
  const lines = wantsJson(context) ? [] : formatTree(tree);
  if (lines.length > 0) io.stdout.write(lines.join("\n") + "\n");
  return args.length > 0 && tree.roots.length === 0 ? ExitCode.error : ExitCode.success;
}
