#!/usr/bin/env bash
# Launcher for dpip's code-split bundle: `deno task bundle` copies it to dist/bundle/dpip, beside
# main.js. Run it as dpip, or link or copy it under a pip name to act as pip:
#   ln -s "$PWD/dist/bundle/dpip" ~/.local/bin/pip3.12   # pip for python3.12
# `exec -a "$0"` hands the name it was run as to dpip as argv[0], the way a compiled binary gets
# its own name, and DPIP_INVOKED_AS says it too: Deno lets only --allow-all read argv[0] from
# /proc/self, and the other way to it costs ~20 ms of start-up (lib/cli/invoked_name.ts). A copy
# placed elsewhere finds the bundle through DPIP_BUNDLE (the directory holding main.js).
set -e
self=${BASH_SOURCE[0]}
# Through a link (pip3.12 -> dpip) the bundle is beside the link's target; `readlink` costs a
# process, so only then.
if [ -L "$self" ]; then self=$(readlink -f -- "$self" 2>/dev/null || printf '%s' "$self"); fi
bundle=${DPIP_BUNDLE:-${self%/*}}
# The permissions are the compiled binary's (deno.json's compile task); --no-config keeps a
# deno.json in the working directory from changing how the bundle runs. Deno loads every module a
# dynamic import() names with a literal, before running anything, unless told to load them lazily
# (as a compiled binary does): without the flag, each start reads and parses all ~130 chunks.
# Memory (a cold install's peak, scripts/bench_install.sh): V8's young generation is capped at a
# 4 MB semi-space (the compiled binary's too, deno.json's compile task), and glibc's malloc maps
# blocks of 64 KiB or more on their own, so a freed buffer (a download's, an inflated file's) goes
# back to the system instead of staying in the allocator's arenas. Together ~25% off the peak, for
# no measurable time. dpip takes the variable out of its environment again when the launcher set it
# (DPIP_LAUNCHER_MALLOC), so that nothing it starts inherits it.
# Start-up: V8 compiles every function of a chunk when it loads it (--no-lazy), not each on its
# first call, so Deno's code cache holds all of them and later runs compile nothing (a warm `lock`
# of jupyterlab: ~25 ms less CPU; a first run with no cache: the same CPU as without it).
if [ -z "${MALLOC_MMAP_THRESHOLD_+set}" ]; then
  export MALLOC_MMAP_THRESHOLD_=65536 DPIP_LAUNCHER_MALLOC=1
fi
DPIP_INVOKED_AS="$0" exec -a "$0" "${DENO:-deno}" run --no-config --no-lock --unstable-lazy-dynamic-imports \
  --v8-flags=--max-semi-space-size=4,--no-lazy \
  --allow-read --allow-write --allow-net --allow-env --allow-run \
  "$bundle/main.js" "$@"
