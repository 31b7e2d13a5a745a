/**
 * The plan phase of `install`, the only place that decides what happens to
 * each distribution: which of the resolved distributions are new, which
 * replace an installed version, which are satisfied as installed, and
 * (under `--target`) which the directory keeps; then pip's collection
 * order (for its "Collecting" lines) and installation order (dependencies
 * first). Pure: a resolution and what is installed in, a
 * {@link PlannedInstall} out, so `--dry-run` only renders it.
 *
 * @module
 */

import { installationOrder, type Plan, planInstall } from "../installer/plan.ts";
import type { InstalledDist } from "../installer/site_packages.ts";
import {
  canonicalizeExtra,
  canonicalizeName,
  type ExtraName,
  type PackageName,
} from "../names/mod.ts";
import type { Requirement } from "../pep508/mod.ts";
import type { Interpreter } from "../python/mod.ts";
import type { IndexSource } from "../resolver/default_provider.ts";
import type { Resolution, ResolvedDist } from "../resolver/mod.ts";
import { appendAll } from "../lists.ts";
import type { IgnoredRequirement, Root } from "./install_roots.ts";
import { activeDependencies } from "./requires_dist.ts";

/** One distribution met while collecting, in pip's order (requirements first, then breadth first). */
export interface CollectedDist {
  readonly name: PackageName;
  /** The requirement that first named it, as packaging prints it. */
  readonly requirement: string;
  /** The requirements that led to it, nearest first (`["jinja2>=3.1.2", "flask"]`); empty for yours. */
  readonly chain: readonly string[];
  /** The name as that requirement wrote it (pip shows it in "Installing collected packages"). */
  readonly displayName: string;
  /** The wheel path or URL you named, for direct references. */
  readonly url?: string;
  /** You asked for it with `-e`. */
  readonly editable?: boolean;
  readonly action: "install" | "reinstall" | "satisfied";
}

/** The plan, with what it was made from. */
export interface PlannedInstall {
  readonly plan: Plan<ResolvedDist<IndexSource>, InstalledDist>;
  /** The resolved distributions (or those satisfied as installed), in resolution order. */
  readonly dists: readonly ResolvedDist<IndexSource>[];
  /** Everything the requirements reach, in pip's collection order. */
  readonly collected: readonly CollectedDist[];
  /** Undefined when everything was already satisfied without resolving. */
  readonly resolution?: Resolution<IndexSource>;
  /** Your requirements whose markers exclude this environment (pip's "Ignoring" lines). */
  readonly ignored: readonly IgnoredRequirement[];
  /** The order distributions are (or would be) installed in: dependencies first. */
  readonly order: readonly PackageName[];
}

/** What the plan is made from. */
export interface PlanInputs {
  readonly roots: readonly Root[];
  readonly ignored: readonly IgnoredRequirement[];
  /** The resolved distributions (or those satisfied as installed). */
  readonly dists: readonly ResolvedDist<IndexSource>[];
  /** Undefined when everything was already satisfied without resolving. */
  readonly resolution?: Resolution<IndexSource>;
  /** What the environment has (nothing for `--target`). */
  readonly installed: readonly InstalledDist[];
  /** `--target`: what the directory has already. */
  readonly targetHas?: readonly InstalledDist[];
}

/** How to plan. */
export interface PlanSettings {
  readonly interpreter: Pick<Interpreter, "markerEnvironment">;
  /** `--force-reinstall` or `-I`. */
  readonly reinstallAll: boolean;
  readonly upgrade: boolean;
  readonly ignoreRequiresPython: boolean;
  /**
   * For a lock: the plan alone, `collected` and `order` left empty (nothing
   * is shown as collected, nothing installed).
   */
  readonly resolveOnly?: boolean;
}

/**
 * Plans an install (see the module docs).
 *
 * @example
 * ```ts ignore
 * const planned = planInstallation({ roots, ignored: [], dists, installed: [] }, settings);
 * planned.order; // dependencies first
 * ```
 */
export function planInstallation(inputs: PlanInputs, settings: PlanSettings): PlannedInstall {
  const { roots, dists, installed } = inputs;
  const plan = planInstall(dists, installed, {
    reinstallAll: settings.reinstallAll,
    ...(inputs.targetHas === undefined
      ? {}
      : { targetDir: { has: inputs.targetHas, upgrade: settings.upgrade } }),
    reinstall: alwaysReinstalled(roots, new Map(installed.map((dist) => [dist.name, dist]))),
  });
  const resolution = inputs.resolution === undefined ? {} : { resolution: inputs.resolution };
  if (settings.resolveOnly) {
    return { plan, dists, collected: [], ...resolution, ignored: inputs.ignored, order: [] };
  }
  const action = new Map<PackageName, CollectedDist["action"]>();
  for (const dist of plan.install) action.set(dist.name, "install");
  for (const entry of plan.reinstall) action.set(entry.dist.name, "reinstall");
  for (const entry of plan.satisfied) action.set(entry.dist.name, "satisfied");
  const collected: CollectedDist[] = collect(roots, dists, settings.interpreter).map((item) => ({
    ...item,
    action: action.get(item.name) ?? "satisfied",
  }));
  const changed = collected.filter((c) => c.action !== "satisfied").map((c) => c.name);
  // Nothing to order (everything already satisfied): pip's dependency graph is not walked.
  const order = changed.length === 0
    ? []
    : installationOrder(changed, dependencyGraph(roots, dists, settings)) as PackageName[];
  return {
    plan,
    dists,
    collected,
    ...resolution,
    ignored: inputs.ignored,
    order,
  };
}

/** What the plan installs (new and replacing), in resolution order. */
export function toInstall(planned: PlannedInstall): ResolvedDist<IndexSource>[] {
  return [...planned.plan.install, ...planned.plan.reinstall.map((entry) => entry.dist)];
}

/**
 * What pip reinstalls even at the installed version: what you asked for
 * with `-e`, a local directory or sdist, and anything named by path or URL
 * over an editable install.
 */
function alwaysReinstalled(
  roots: readonly Root[],
  installed: ReadonlyMap<PackageName, InstalledDist>,
): Set<PackageName> {
  const names = new Set<PackageName>();
  for (const { source, requirement, url } of roots) {
    if (url === undefined) continue;
    const name = canonicalizeName(requirement.name);
    if (
      source.editable || (source.kind === "path" && source.pathKind !== "wheel") ||
      installed.get(name)?.editableProjectLocation !== undefined
    ) names.add(name);
  }
  return names;
}

/** pip's "from" for a requirements-file line: `-r reqs.txt (line 3)`. */
function fileOrigin(origin: string): string[] {
  const match = /^(.*):(\d+)$/.exec(origin);
  return match === null ? [] : [`-r ${match[1]} (line ${match[2]})`];
}

/** A requirement as pip shows a dependency: without its marker. */
function withoutMarker(requirement: Requirement): string {
  const extras = requirement.extras.length > 0 ? `[${requirement.extras.join(",")}]` : "";
  return requirement.url === undefined
    ? `${requirement.name}${extras}${requirement.specifier}`
    : `${requirement.name}${extras} @ ${requirement.url}`;
}

/**
 * The distributions your requirements reach, in pip's order: your
 * requirements first, then their dependencies breadth first, each with the
 * requirement that first named it.
 */
function collect(
  roots: readonly Root[],
  dists: readonly ResolvedDist<IndexSource>[],
  interpreter: Pick<Interpreter, "markerEnvironment">,
): {
  name: PackageName;
  requirement: string;
  chain: string[];
  displayName: string;
  url?: string;
  editable?: boolean;
}[] {
  const byName = new Map(dists.map((dist) => [dist.name, dist]));
  const out: ReturnType<typeof collect> = [];
  const seen = new Set<PackageName>();
  const queue: {
    requirement: Requirement;
    text: string;
    chain: string[];
    url?: string;
    editable?: boolean;
  }[] = roots
    .map((root) => ({
      requirement: root.requirement,
      text: root.url === undefined ? String(root.requirement) : root.source.text,
      chain: fileOrigin(root.source.origin),
      ...(root.url === undefined ? {} : { url: root.url }),
      ...(root.source.editable ? { editable: true } : {}),
    }));
  while (queue.length > 0) {
    const item = queue.shift()!;
    const name = canonicalizeName(item.requirement.name);
    const dist = byName.get(name);
    if (dist === undefined || seen.has(name)) continue;
    seen.add(name);
    out.push({
      name,
      requirement: item.text,
      chain: item.chain,
      displayName: item.requirement.name,
      ...(item.url === undefined ? {} : { url: item.url }),
      ...(item.editable === true ? { editable: true } : {}),
    });
    const parent = withoutMarker(item.requirement);
    for (
      const dependency of activeDependencies(dist.metadata.requiresDist, interpreter, dist.extras)
    ) {
      queue.push({
        requirement: dependency,
        text: withoutMarker(dependency),
        chain: [
          item.url === undefined ? parent : `${item.requirement.name}==${dist.version}`,
          ...item.chain,
        ],
      });
    }
  }
  for (const dist of dists) {
    if (!seen.has(dist.name)) {
      out.push({ name: dist.name, requirement: dist.name, chain: [], displayName: dist.name });
    }
  }
  return out;
}

/**
 * A node of pip's dependency graph: its id (`name`, or `name[a,b]` with the
 * extras normalized and sorted, or the Python node) and the project and
 * extras it stands for, so the id is never parsed back apart.
 */
interface GraphNode {
  readonly id: string;
  /** Undefined for the Python node. */
  readonly name?: PackageName;
  readonly extras: readonly ExtraName[];
}

/** pip's node for a requirement. */
function graphNode(requirement: Requirement): GraphNode {
  const name = canonicalizeName(requirement.name);
  const extras = [...new Set(requirement.extras.map((e) => canonicalizeExtra(e)))].sort();
  return { id: extras.length === 0 ? name : `${name}[${extras.join(",")}]`, name, extras };
}

const REQUIRES_PYTHON_NODE: GraphNode = { id: "<Python from Requires-Python>", extras: [] };

/**
 * The dependency graph pip's resolver leaves (see `installationOrder`):
 * a project with extras is its own node depending on the project and the
 * extras' dependencies; a project with `Requires-Python` depends on a
 * Python node (unless the requirement is ignored or the project was kept
 * installed).
 */
function dependencyGraph(
  roots: readonly Root[],
  dists: readonly ResolvedDist<IndexSource>[],
  options: { interpreter: Pick<Interpreter, "markerEnvironment">; ignoreRequiresPython: boolean },
): Map<string | null, string[]> {
  const byName = new Map(dists.map((dist) => [dist.name, dist]));
  const pending = roots.map((root) => graphNode(root.requirement));
  const graph = new Map<string | null, string[]>([[null, pending.map((node) => node.id)]]);
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (graph.has(node.id)) continue;
    const dist = node.name === undefined ? undefined : byName.get(node.name);
    const children: GraphNode[] = [];
    if (dist !== undefined) {
      if (node.extras.length > 0) children.push({ id: dist.name, name: dist.name, extras: [] });
      else if (
        dist.metadata.requiresPython?.trim() && !dist.installed && !options.ignoreRequiresPython
      ) {
        children.push(REQUIRES_PYTHON_NODE);
      }
      const requiresDist = dist.metadata.requiresDist;
      for (const dependency of activeDependencies(requiresDist, options.interpreter, node.extras)) {
        children.push(graphNode(dependency));
      }
    }
    graph.set(node.id, children.map((child) => child.id));
    appendAll(pending, children);
  }
  return graph;
}
