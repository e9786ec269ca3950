#!/usr/bin/env bash
# Benchmark: the cost of a sandboxed launch, side by side in one run.
#
#   ENV/bin/python -c pass                 (bare: no sandbox)
#   venvrun ENV -- python -c pass          (venvrun's sandbox, default profile)
#   bwrap ... ENV/bin/python -c pass       (bubblewrap doing the same isolation by hand:
#                                           the very mount plan `venvrun describe --json`
#                                           prints, translated to bwrap options)
#
# and the hardened launch (issue 6): the default profile's row above already has the seccomp
# filter, capabilities dropped, no_new_privs, limits and a new session; `--profile strict`
# adds no network and tighter limits; bwrap gets the very filter venvrun compiled (the
# cached BPF program, through --seccomp FD), --new-session and --cap-drop ALL.
#
# Then venvrun's own peak memory (GNU time's max RSS of `venvrun ENV -- true`, where
# venvrun is the largest process) and the targets from the project's issue.
# Options: see bench/lib.bash (usage). Never fails because of timing.
set -euo pipefail

# shellcheck source=bench/lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

readonly BARE_ROW="python -c pass (bare)"
readonly VENVRUN_ROW="venvrun ENV -- python -c pass"
readonly BWRAP_ROW="bwrap, same plan, python -c pass"
readonly STRICT_ROW="venvrun --profile strict"
readonly BWRAP_HARD_ROW="bwrap, same plan + filter"
readonly UNSHARE_ROW="unshare, namespaces only (floor)"

# Targets from the project's issue.
readonly TARGET_ADDED_MS=1.5
readonly TARGET_BWRAP_GAIN=0.10   # at least 10% faster than the whole launch under bwrap
readonly TARGET_RSS_KIB=3072

# The plan venvrun would execute, as bwrap options. Hidden directories become read-only
# empty tmpfs, hidden files /dev/null; the environment is cleared to the plan's.
bwrap_args_from_plan() {
    local env=$1
    "$VENVRUN" describe --json "$env" | jq -r '
        .plan as $p
        | ( $p.mounts[]
            | if .type == "bind" then
                  (if .optional then (if .read_only then "--ro-bind-try" else "--bind-try" end)
                   else (if .read_only then "--ro-bind" else "--bind" end) end), .source, .target
              elif .type == "tmpfs" then "--tmpfs", .target
              elif .type == "proc" then "--proc", .target
              elif .type == "dev" then "--dev", .target
              elif .type == "dir" then "--dir", .target
              elif .type == "symlink" then "--symlink", .source, .target
              elif .type == "hide" then "--hide", .target
              else error("unknown mount type \(.type)") end ),
          ( $p.namespaces[]
            | if . == "user" then "--unshare-user"
              elif . == "pid" then "--unshare-pid"
              elif . == "ipc" then "--unshare-ipc"
              elif . == "uts" then "--unshare-uts"
              elif . == "net" then "--unshare-net"
              elif . == "cgroup" then "--unshare-cgroup"
              else empty end ),
          "--die-with-parent", "--clearenv",
          ( $p.environment[] | "--setenv", (split("=")[0]), (split("=")[1:] | join("=")) ),
          ( if $p.hostname then "--hostname", $p.hostname else empty end ),
          "--chdir", $p.cwd' |
        while IFS= read -r word; do
            # --hide is ours: a directory gets an empty read-only tmpfs, a file /dev/null.
            if [[ $word == --hide ]]; then
                IFS= read -r target
                if [[ -d $target ]]; then
                    printf '%s\n' --tmpfs "$target" --remount-ro "$target"
                elif [[ -e $target ]]; then
                    printf '%s\n' --ro-bind /dev/null "$target"
                fi
            else
                printf '%s\n' "$word"
            fi
        done
}

print_setup() {
    echo "interpreter: $PYTHON"
    echo "venvrun:     $VENVRUN ($("$VENVRUN" version 2>/dev/null || echo 'version unknown'))"
    echo "bwrap:       $(command -v bwrap) ($(bwrap --version 2>/dev/null || echo '?'))"
    echo "timer:       $TIMER_DESC"
    echo "machine:     $(nproc) CPUs, $(uname -sr), uid $(id -u)"
}

main() {
    local env bwrap_args=() rss
    bench_init "$@"
    command -v jq >/dev/null || die "jq is needed to translate the plan for bwrap"
    env=$BENCH_TMP/env
    # A cache of the benchmark's own: interpreter facts and the compiled filter.
    export VENVRUN_CACHE_DIR=$BENCH_TMP/venvrun-cache
    "$VENVRUN" create -q --no-seed -p "$PYTHON" "$env" || die "venvrun create failed"
    print_setup
    echo

    measure "$BARE_ROW" "" "$env/bin/python" -c pass
    measure "$VENVRUN_ROW" "" "$VENVRUN" "$env" -- python -c pass
    measure "$STRICT_ROW" "" "$VENVRUN" --profile strict "$env" -- python -c pass
    # The floor: the namespaces venvrun makes (a user namespace too when not root), made by
    # util-linux's unshare, with no root built, no mounts, no hardening.
    if command -v unshare >/dev/null; then
        local userns=()
        (($(id -u) == 0)) || userns=(--user --map-root-user)
        measure "$UNSHARE_ROW" "" unshare "${userns[@]}" --mount --pid --ipc --uts --fork "$env/bin/python" -c pass
    fi
    if command -v bwrap >/dev/null; then
        mapfile -t bwrap_args < <(bwrap_args_from_plan "$env")
        measure "$BWRAP_ROW" "" bwrap "${bwrap_args[@]}" "$env/bin/python" -c pass
        local digest filter
        digest=$("$VENVRUN" describe --json "$env" | jq -r '.plan.hardening.seccomp.digest // empty')
        filter=$VENVRUN_CACHE_DIR/seccomp/$digest.bpf
        if [[ -n $digest && -f $filter ]]; then
            measure "$BWRAP_HARD_ROW" "" bash -c 'exec 9<"$1"; shift; exec bwrap --seccomp 9 "$@"' bash \
                "$filter" --new-session --cap-drop ALL "${bwrap_args[@]}" "$env/bin/python" -c pass
        else
            echo "bwrap + filter: venvrun cached no filter for this plan, skipping its row"
        fi
    else
        echo "bwrap: not installed (Debian: bubblewrap), skipping its row"
    fi
    print_table "$BARE_ROW" "$VENVRUN_ROW" "$STRICT_ROW" "$BWRAP_ROW" "$BWRAP_HARD_ROW" "$UNSHARE_ROW"
    echo

    local bare venvrun added
    bare=$(stat_ms "$BARE_ROW" 1)
    venvrun=$(stat_ms "$VENVRUN_ROW" 1)
    added=$(awk -v a="$venvrun" -v b="$bare" 'BEGIN { printf "%.2f", a - b }')
    echo "venvrun adds ${added} ms over bare python (median)"
    if [[ -n ${STATS[$BWRAP_ROW]:-} ]]; then
        ratio_line "$BWRAP_ROW" "$VENVRUN_ROW" "venvrun"
        awk -v a="$(stat_ms "$BWRAP_ROW" 1)" -v b="$bare" 'BEGIN { printf "bwrap adds %.2f ms over bare python (median)\n", a - b }'
    fi
    awk -v a="$(stat_ms "$STRICT_ROW" 1)" -v b="$bare" 'BEGIN { printf "venvrun --profile strict adds %.2f ms over bare python (median)\n", a - b }'
    [[ -z ${STATS[$BWRAP_HARD_ROW]:-} ]] || ratio_line "$BWRAP_HARD_ROW" "$VENVRUN_ROW" "venvrun (both with the filter)"
    if [[ -n ${STATS[$UNSHARE_ROW]:-} ]]; then
        awk -v u="$(stat_ms "$UNSHARE_ROW" 1)" -v b="$bare" -v v="$venvrun" 'BEGIN {
            printf "the namespaces alone (unshare) add %.2f ms; venvrun adds %.2f ms more: starting venvrun, the plan, the root (mounts, pivot_root), the hardening\n", u - b, v - u }'
    fi
    rss=
    if [[ -x /usr/bin/time ]]; then
        rss=$(/usr/bin/time -f %M "$VENVRUN" "$env" -- true 2>&1 >/dev/null | tail -n 1)
    fi
    echo
    echo "targets (project issue):"
    printf '  at most %s ms added over bare python: %s (%s ms)\n' "$TARGET_ADDED_MS" \
        "$(met float_le "$added" "$TARGET_ADDED_MS")" "$added"
    if [[ -n ${STATS[$BWRAP_ROW]:-} ]]; then
        local limit
        limit=$(awk -v a="$(stat_ms "$BWRAP_ROW" 1)" -v g="$TARGET_BWRAP_GAIN" 'BEGIN { printf "%.2f", a * (1 - g) }')
        printf '  whole launch at least 10%% faster than under bwrap (<= %s ms): %s (%.2f ms)\n' "$limit" \
            "$(met float_le "$venvrun" "$limit")" "$venvrun"
    fi
    if [[ $rss =~ ^[0-9]+$ ]]; then
        printf '  venvrun peak memory at most 3 MiB: %s (%s KiB)\n' "$(met float_le "$rss" "$TARGET_RSS_KIB")" "$rss"
    else
        echo "  venvrun peak memory: not measured (GNU time, Debian package 'time', is missing)"
    fi
    echo "reference (here): bare python -c pass ~6.9 ms, bwrap adds ~2.8 ms, unshare -Urm 1.3 ms"
}

main "$@"
