#!/usr/bin/env bash
# Benchmark: create an env with no packages, side by side with the tools
# venvrun replaces, all on the same interpreter with warm caches.
#
#   venvrun create --no-seed -q -p PY DIR
#   PY -m venv --without-pip DIR
#   virtualenv --no-seed -p PY DIR        (skipped when not installed)
#   venvrun interpreters                  (extra row: full discovery, warm)
#
# Then checks the targets from the project's issue, and that a warm create
# with a version spec (-p X.Y) runs no Python at all (via strace).
# Options: see bench/lib.bash (usage). Never fails because of timing.
set -euo pipefail

# shellcheck source=bench/lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

readonly VENVRUN_ROW="venvrun create --no-seed"
readonly VENV_ROW="python -m venv --without-pip"
readonly VIRTUALENV_ROW="virtualenv --no-seed"
readonly INTERPRETERS_ROW="venvrun interpreters (all, warm)"

# Targets from the project's issue.
readonly TARGET_MEDIAN_MS=3
readonly TARGET_SPEEDUP=10

print_setup() {
    local pyver
    pyver=$("$PYTHON" -c 'import platform; print(platform.python_implementation(), platform.python_version())')
    echo "interpreter: $PYTHON ($pyver)"
    echo "venvrun:     $VENVRUN ($("$VENVRUN" version 2>/dev/null || echo 'version unknown'))"
    echo "timer:       $TIMER_DESC"
    echo "machine:     $(nproc) CPUs, $(uname -sr)"
}

measure_creates() {
    local env=$BENCH_TMP/env
    measure "$VENVRUN_ROW" "$env" "$VENVRUN" create --no-seed -q -p "$PYTHON" "$env"
    measure "$VENV_ROW" "$env" "$PYTHON" -m venv --without-pip "$env"
    if command -v virtualenv >/dev/null; then
        measure "$VIRTUALENV_ROW" "$env" virtualenv --no-seed -p "$PYTHON" "$env"
    else
        echo "virtualenv: not installed (Debian: python3-virtualenv), skipping its row"
    fi
    # No directory to remove: listing interpreters writes nothing.
    measure "$INTERPRETERS_ROW" "" "$VENVRUN" interpreters
}

# Print the number of execve calls a warm `venvrun create -p X.Y` makes
# besides venvrun's own; print nothing if strace is missing or cannot
# trace here (e.g. ptrace is forbidden in a container).
# A version spec, not a path, so the check covers discovery: the cache must
# answer "which interpreter is 3.11" without running any of them.
count_warm_create_execs() {
    local spec=$1 env=$BENCH_TMP/env-traced trace=$BENCH_TMP/execve.trace
    command -v strace >/dev/null || return 0
    # Warm-up for exactly this spec, then the traced run.
    "$VENVRUN" create --no-seed -q -p "$spec" "$env" || die "venvrun create -p $spec failed"
    rm -rf -- "$env"
    if ! strace -f -e trace=execve -o "$trace" \
        "$VENVRUN" create --no-seed -q -p "$spec" "$env" 2>"$BENCH_TMP/strace.err"; then
        # venvrun just succeeded untraced, so blame strace (no ptrace here).
        sed 's/^/    strace: /' "$BENCH_TMP/strace.err" >&2
        return 0
    fi
    # Lines that start an execve ("<... execve resumed>" lines are the rest
    # of one already counted); the first is strace starting venvrun itself.
    local total
    total=$(grep -c ' execve(' "$trace" || true)
    echo $((total > 0 ? total - 1 : 0))
    if ((total > 1)); then
        grep ' execve(' "$trace" | tail -n +2 | sed 's/^/    /' >&2
    fi
}

print_ratios() {
    local row
    for row in "$VENV_ROW" "$VIRTUALENV_ROW"; do
        [[ -n ${STATS[$row]:-} ]] && ratio_line "$row" "$VENVRUN_ROW" "venvrun"
    done
    return 0
}

print_targets() {
    local median speedup spec execs
    median=$(stat_ms "$VENVRUN_ROW" 1)
    speedup=$(awk -v a="$(stat_ms "$VENV_ROW" 1)" -v b="$median" 'BEGIN { printf "%.1f", a / b }')
    echo "targets (project issue):"
    printf '  venvrun create median <= %s ms: %s (%.2f ms)\n' "$TARGET_MEDIAN_MS" \
        "$(met float_le "$median" "$TARGET_MEDIAN_MS")" "$median"
    printf '  venvrun >= %sx faster than python -m venv --without-pip: %s (%sx)\n' \
        "$TARGET_SPEEDUP" "$(met float_le "$TARGET_SPEEDUP" "$speedup")" "$speedup"

    spec=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    execs=$(count_warm_create_execs "$spec")
    if [[ -z $execs ]]; then
        echo "  warm create runs no Python: not checked (strace missing or cannot trace here)"
    elif ((execs == 0)); then
        echo "  warm create runs no Python: yes (0 execve, venvrun create -p $spec)"
    else
        echo "  warm create runs no Python: no ($execs execve, venvrun create -p $spec)"
    fi
    echo "reference (2-core machine): python -m venv --without-pip ~35 ms," \
        "virtualenv ~110 ms, uv 4.6 ms (published)"
}

main() {
    bench_init "$@"
    print_setup
    echo
    measure_creates
    print_table "$VENVRUN_ROW" "$VENV_ROW" "$VIRTUALENV_ROW" "$INTERPRETERS_ROW"
    echo
    print_ratios
    echo
    print_targets
}

main "$@"
