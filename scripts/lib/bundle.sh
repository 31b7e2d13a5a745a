# Sourced by the benchmark scripts: builds dpip as shipped, with exactly the
# command of deno.json's `bundle` task (its flags, its launcher), into another
# directory, so a benchmark never times a bundle built differently.
#
#   source scripts/lib/bundle.sh
#   build_bundle "$work/bundle"   # then "$work/bundle/main.js", or the launcher "$work/bundle/dpip"

build_bundle() {
  local out="$1" command
  command="$(deno eval 'const task = JSON.parse(Deno.readTextFileSync("deno.json")).tasks.bundle;
console.log(task.replaceAll("dist/bundle", Deno.args[0]));' "$out")"
  bash -c "$command" >/dev/null 2>"$out.log" || { cat "$out.log" >&2; return 1; }
}
