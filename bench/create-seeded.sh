#!/usr/bin/env bash
# Benchmark: create an env WITH pip, side by side with the tools venvrun
# replaces, all on the same interpreter, with warm caches:
#
#   venvrun create -q -p PY DIR                  (pip seeded from the wheel cache)
#   PY -m venv DIR                               (ensurepip; fewer runs: it is slow)
#   virtualenv -p PY DIR                         (app-data seeder, copies; warm)
#   virtualenv --symlink-app-data -p PY DIR      (app-data seeder, symlinks; warm)
#
# plus one cold venvrun create (the wheels cache removed first). Then prints
# the ratios and checks the targets from the seeding issue. All of it twice
# when /dev/shm is a tmpfs and the scratch directory is not: once on the
# scratch directory's filesystem, once in memory, since creating some hundred
# inodes costs 5 to 80 ms on a disk filesystem depending on its state, and the
# `cp -al` floor row shows how much of a create is the filesystem's. Every tool gets
# a private cache under the benchmark's scratch directory, so nothing of the
# user's is used or changed. Options: see bench/lib.bash (usage). Never
# fails because of timing.
set -euo pipefail

# shellcheck source=bench/lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

readonly VENVRUN_ROW="venvrun create (pip seeded)"
readonly VENV_ROW="python -m venv (with pip)"
readonly VIRTUALENV_ROW="virtualenv (app-data, copy)"
readonly VIRTUALENV_SYMLINK_ROW="virtualenv --symlink-app-data"
readonly FLOOR_ROW="cp -al of pip's cache entry (floor)"

# Targets from the seeding issue.
readonly TARGET_MEDIAN_MS=15
readonly TARGET_VS_SYMLINK=8
readonly TARGET_VS_VENV=100
readonly TARGET_COLD_MS=300

# python -m venv takes seconds: this many runs at most.
readonly SLOW_RUNS=5

print_setup() {
    local pyver
    pyver=$("$PYTHON" -c 'import platform; print(platform.python_implementation(), platform.python_version())')
    echo "interpreter: $PYTHON ($pyver)"
    echo "venvrun:     $VENVRUN ($("$VENVRUN" version 2>/dev/null || echo 'version unknown'))"
    echo "timer:       $TIMER_DESC"
    echo "machine:     $(nproc) CPUs, $(uname -sr)"
}

# Measure with fewer runs (for the commands that take seconds).
measure_slow() {
    local saved=$RUNS
    ((RUNS > SLOW_RUNS)) && RUNS=$SLOW_RUNS
    measure "$@"
    RUNS=$saved
}

# Where the envs and caches of one pass go: the scratch directory, or one in memory.
SCRATCH=

measure_creates() {
    local env=$SCRATCH/env
    export VENVRUN_CACHE_DIR=$SCRATCH/venvrun-cache
    export VIRTUALENV_OVERRIDE_APP_DATA=$SCRATCH/virtualenv-app-data
    unset VENVRUN_WHEEL_PATH

    # The seeded create must work before it is timed (no wheel source: skip).
    if ! "$VENVRUN" create -q -p "$PYTHON" "$env" 2>"$SCRATCH/seed.err"; then
        sed 's/^/    /' "$SCRATCH/seed.err"
        skip "venvrun cannot seed pip here (no wheel source for $PYTHON)"
    fi
    rm -rf -- "$env"
    measure "$VENVRUN_ROW" "$env" "$VENVRUN" create -q -p "$PYTHON" "$env"
    # The filesystem's own cost of what seeding must do at the least: the same directories
    # made and the same files hard-linked from the cache, by GNU cp, with nothing else.
    local entry
    entry=$(find "$VENVRUN_CACHE_DIR/wheels" -mindepth 1 -maxdepth 1 -type d -name 'pip-*' | head -n 1)
    [[ -z $entry ]] || measure "$FLOOR_ROW" "$env" cp -al "$entry" "$env"
    if "$PYTHON" -c 'import ensurepip' 2>/dev/null; then
        measure_slow "$VENV_ROW" "$env" "$PYTHON" -m venv "$env"
    else
        echo "python -m venv: no ensurepip for $PYTHON (Debian: python3-venv), skipping its row"
    fi
    if command -v virtualenv >/dev/null; then
        measure_slow "$VIRTUALENV_ROW" "$env" virtualenv -q -p "$PYTHON" "$env"
        measure "$VIRTUALENV_SYMLINK_ROW" "$env" virtualenv -q --symlink-app-data -p "$PYTHON" "$env"
    else
        echo "virtualenv: not installed (Debian: python3-virtualenv), skipping its rows"
    fi
}

# One create with no wheels cache: the wheel is read, verified and unpacked.
# The interpreter facts stay cached, as after any earlier venvrun use.
COLD_MS=
measure_cold() {
    local env=$SCRATCH/env-cold
    rm -rf -- "$VENVRUN_CACHE_DIR/wheels" "$env"
    COLD_MS=$("$PYTHON" - "$VENVRUN" "$PYTHON" "$env" <<'EOF'
import subprocess, sys, time
t = time.perf_counter_ns()
subprocess.run([sys.argv[1], "create", "-q", "-p", sys.argv[2], sys.argv[3]], check=True)
print("%.2f" % ((time.perf_counter_ns() - t) / 1e6))
EOF
)
    rm -rf -- "$env"
    echo "venvrun create, cold wheels cache (one run): $COLD_MS ms"
}

print_ratios() {
    local row
    for row in "$VENV_ROW" "$VIRTUALENV_ROW" "$VIRTUALENV_SYMLINK_ROW"; do
        [[ -n ${STATS[$row]:-} ]] && ratio_line "$row" "$VENVRUN_ROW" "venvrun"
    done
    return 0
}

speedup() {
    awk -v a="$(stat_ms "$1" 1)" -v b="$(stat_ms "$VENVRUN_ROW" 1)" 'BEGIN { printf "%.1f", a / b }'
}

print_targets() {
    local median s
    median=$(stat_ms "$VENVRUN_ROW" 1)
    echo "targets (seeding issue):"
    printf '  venvrun create (pip) median <= %s ms: %s (%.2f ms)\n' "$TARGET_MEDIAN_MS" \
        "$(met float_le "$median" "$TARGET_MEDIAN_MS")" "$median"
    if [[ -n ${STATS[$VIRTUALENV_SYMLINK_ROW]:-} ]]; then
        s=$(speedup "$VIRTUALENV_SYMLINK_ROW")
        printf '  >= %sx faster than virtualenv --symlink-app-data: %s (%sx)\n' "$TARGET_VS_SYMLINK" \
            "$(met float_le "$TARGET_VS_SYMLINK" "$s")" "$s"
    fi
    if [[ -n ${STATS[$VENV_ROW]:-} ]]; then
        s=$(speedup "$VENV_ROW")
        printf '  >= %sx faster than python -m venv: %s (%sx)\n' "$TARGET_VS_VENV" \
            "$(met float_le "$TARGET_VS_VENV" "$s")" "$s"
    fi
    printf '  cold cache <= %s ms: %s (%s ms)\n' "$TARGET_COLD_MS" \
        "$(met float_le "$COLD_MS" "$TARGET_COLD_MS")" "$COLD_MS"
    if [[ -n ${STATS[$FLOOR_ROW]:-} ]]; then
        printf '  (the floor, cp -al of the same tree: %.2f ms; venvrun adds %.2f ms to it)\n' \
            "$(stat_ms "$FLOOR_ROW" 1)" "$(awk -v a="$median" -v b="$(stat_ms "$FLOOR_ROW" 1)" 'BEGIN { print a - b }')"
    fi
    echo "reference (issue): python -m venv ~2 s, virtualenv app-data ~180 ms," \
        "--symlink-app-data ~115 ms, uv venv --seed 20 ms (published)"
}

# One pass: every row, the cold create, the ratios and the targets, on the
# filesystem that holds $SCRATCH.
run_pass() {
    SCRATCH=$1
    STATS=()
    echo "-- on $(stat -f -c %T "$SCRATCH") ($SCRATCH) --"
    measure_creates
    print_table "$VENVRUN_ROW" "$VENV_ROW" "$VIRTUALENV_ROW" "$VIRTUALENV_SYMLINK_ROW" "$FLOOR_ROW"
    echo
    measure_cold
    echo
    print_ratios
    echo
    print_targets
}

main() {
    local shm
    bench_init "$@"
    print_setup
    echo
    run_pass "$BENCH_TMP"
    if [[ $(stat -f -c %T /dev/shm 2>/dev/null) == tmpfs && $(stat -f -c %T "$BENCH_TMP") != tmpfs ]]; then
        # The exit trap removes this directory too, which we just created (mktemp's
        # names hold no quote, so expanding them into the trap's text is safe).
        shm=$(mktemp -d /dev/shm/venvrun-bench.XXXXXX) || die "mktemp in /dev/shm failed"
        # shellcheck disable=SC2064
        trap "rm -rf -- '$shm' '$BENCH_TMP'" EXIT
        echo
        run_pass "$shm"
    fi
}

main "$@"
