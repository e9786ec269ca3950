# shellcheck shell=bash
# The globals below are read by the scripts that source this file.
# shellcheck disable=SC2034
# Shared helpers for the benchmarks in bench/*.sh. Sourced, not run: the
# name does not end in .sh so that bench/run does not mistake it for a
# benchmark.
#
# A benchmark script does:
#     source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"
#     bench_init "$@"            # options, temporary directory, timer
#     measure NAME PREPARE_DIR CMD...   # as often as needed
#     print_table NAME...
#
# Exit status convention (bench/run relies on it):
#     0   measured (whatever the numbers: a benchmark never fails on timing)
#     77  skipped as a whole, because something optional is missing
#     other  a required tool is missing, or a measured command failed

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly BENCH_DIR
readonly BENCH_SKIP=77

# Set by bench_init.
VENVRUN=
PYTHON=
RUNS=
TIMER=          # hyperfine | python (the fallback timing loop)
TIMER_DESC=     # how the numbers were taken, printed with the results
BENCH_TMP=      # private scratch directory, removed on exit

# Set by measure: NAME -> "median mean min" in milliseconds.
declare -A STATS=()

die() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
    exit 1
}

# Whole-benchmark skip: say why, and tell bench/run it was not a failure.
skip() {
    printf '%s: skipped: %s\n' "${0##*/}" "$*"
    exit "$BENCH_SKIP"
}

usage() {
    cat <<EOF
Usage: ${0##*/} [--venvrun PATH] [--python PATH] [--runs N] [--timer auto|hyperfine|python]

  --venvrun PATH   venvrun binary (default: \$VENVRUN_BIN, else
                   build/runner/venvrun in the source tree)
  --python PATH    interpreter every tool uses (default: realpath /usr/bin/python3)
  --runs N         timed runs per command (default: 30), after 3 warm-up runs
  --timer KIND     hyperfine (default when installed) or python (the fallback loop)
EOF
}

# Parse the options every benchmark accepts (bench/run passes them through).
parse_common_args() {
    VENVRUN=${VENVRUN_BIN:-$BENCH_DIR/../build/runner/venvrun}
    PYTHON=
    RUNS=30
    TIMER=auto
    while (($#)); do
        case $1 in
            --venvrun) VENVRUN=${2:?--venvrun needs a PATH}; shift 2 ;;
            --python) PYTHON=${2:?--python needs a PATH}; shift 2 ;;
            --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
            --timer) TIMER=${2:?--timer needs auto, hyperfine or python}; shift 2 ;;
            -h | --help) usage; exit 0 ;;
            *) usage >&2; die "unknown argument: $1" ;;
        esac
    done
    # The default is the real file, not the /usr/bin/python3 symlink, so
    # every tool is handed exactly the same interpreter path.
    if [[ -z $PYTHON ]]; then
        PYTHON=$(realpath /usr/bin/python3) || die "no /usr/bin/python3; pass --python PATH"
    fi
    [[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs wants a positive integer, not '$RUNS'"
    [[ -x $VENVRUN && -f $VENVRUN ]] ||
        die "no venvrun binary at $VENVRUN; build it (meson setup build && ninja -C build) or pass --venvrun PATH"
    [[ -x $PYTHON && -f $PYTHON ]] || die "no interpreter at $PYTHON; pass --python PATH"
    VENVRUN=$(realpath "$VENVRUN")
}

# The scratch directory holds the envs and the timing data. The trap only
# ever removes this directory, which we just created ourselves.
make_tmpdir() {
    local base=${TMPDIR:-/tmp}
    # Absolute, so no env path could be read as a bare name ($VENVRUN_HOME/NAME).
    [[ $base == /* ]] || base=$PWD/$base
    BENCH_TMP=$(mktemp -d "$base/venvrun-bench.XXXXXX") || die "mktemp failed"
    trap 'rm -rf -- "$BENCH_TMP"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# hyperfine -N runs commands without a shell, so shell start-up is not in
# the numbers; versions before 1.13 lack it, and then hyperfine runs them
# through sh and subtracts its own estimate of the shell's cost.
choose_timer() {
    local have_hyperfine=no
    command -v hyperfine >/dev/null && have_hyperfine=yes
    case $TIMER in
        auto) [[ $have_hyperfine == yes ]] && TIMER=hyperfine || TIMER=python ;;
        hyperfine) [[ $have_hyperfine == yes ]] || die "--timer hyperfine: hyperfine is not installed" ;;
        python) ;;
        *) die "--timer wants auto, hyperfine or python, not '$TIMER'" ;;
    esac
    HYPERFINE_SHELL=()
    if [[ $TIMER == hyperfine ]]; then
        local version
        version=$(hyperfine --version | awk '{ print $2 }')
        if hyperfine --help | grep -q -- '--shell=none'; then
            HYPERFINE_SHELL=(--shell=none)
            TIMER_DESC="hyperfine $version (--shell=none, --warmup 3, --runs $RUNS)"
        else
            TIMER_DESC="hyperfine $version (through sh, shell start-up subtracted by hyperfine; --warmup 3, --runs $RUNS)"
        fi
    else
        TIMER_DESC="bench/timer.py (perf_counter_ns around subprocess.run, 3 warm-up runs, median of $RUNS; includes Python's fork/exec cost)"
    fi
}

bench_init() {
    parse_common_args "$@"
    make_tmpdir
    choose_timer
}

# Quote one word for hyperfine's command parser, which splits POSIX-shell
# style both with and without a shell, so paths with spaces survive.
shquote() {
    local s=${1//\'/\'\\\'\'}
    printf "'%s'" "$s"
}

shjoin() {
    local word out=()
    for word; do out+=("$(shquote "$word")"); done
    printf '%s' "${out[*]}"
}

# measure NAME PREPARE_DIR CMD...
#   Time CMD with 3 warm-up runs and $RUNS timed runs, removing PREPARE_DIR
#   (untimed) before each run so every run starts from a directory that
#   does not exist ("" for none). Records STATS[NAME]. A failing CMD ends
#   the benchmark.
measure() {
    local name=$1 dir=$2
    shift 2
    local json="$BENCH_TMP/measure-${#STATS[@]}.json"
    if [[ $TIMER == hyperfine ]]; then
        local prepare=()
        [[ -z $dir ]] || prepare=(--prepare "rm -rf $(shquote "$dir")")
        # hyperfine's stderr only matters on failure: with --style none it
        # still warns about outliers, which is noise on a 1 ms command.
        if ! hyperfine "${HYPERFINE_SHELL[@]}" --style none --warmup 3 --runs "$RUNS" \
            "${prepare[@]}" --export-json "$json" --command-name "$name" \
            "$(shjoin "$@")" 2>"$BENCH_TMP/hyperfine.err"; then
            cat "$BENCH_TMP/hyperfine.err" >&2
            die "measured command failed: $* (rerun it by hand to see why)"
        fi
    else
        "$PYTHON" "$BENCH_DIR/timer.py" --warmup 3 --runs "$RUNS" \
            --remove "$dir" --export-json "$json" -- "$@" ||
            die "measured command failed: $*"
    fi
    STATS[$name]=$(json_stats_ms "$json")
}

# Print "median mean min" in milliseconds from a hyperfine-style JSON file
# (timer.py writes the same shape).
json_stats_ms() {
    if command -v jq >/dev/null; then
        jq -r '.results[0] | [.median, .mean, .min] | map(. * 1000) | @tsv' "$1"
    else
        "$PYTHON" - "$1" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("\t".join(str(r[k] * 1000) for k in ("median", "mean", "min")))
EOF
    fi
}

# stat_ms NAME FIELD: FIELD is 1 (median), 2 (mean) or 3 (min), in ms.
stat_ms() {
    awk -v f="$2" '{ print $f }' <<<"${STATS[$1]}"
}

# print_table NAME...: one row per measured command.
print_table() {
    local name
    printf '%-36s %10s %10s %10s\n' "tool" "median ms" "mean ms" "min ms"
    for name; do
        [[ -n ${STATS[$name]:-} ]] || continue
        awk -v n="$name" '{ printf "%-36s %10.2f %10.2f %10.2f\n", n, $1, $2, $3 }' \
            <<<"${STATS[$name]}"
    done
}

# ratio_line NAME BASELINE LABEL: "NAME: 12.3x slower than LABEL", comparing
# the medians of the rows NAME and BASELINE.
ratio_line() {
    awk -v n="$1" -v b="$3" -v x="$(stat_ms "$1" 1)" -v y="$(stat_ms "$2" 1)" 'BEGIN {
        if (x >= y) printf "%s: %.1fx slower than %s\n", n, x / y, b
        else printf "%s: %.1fx faster than %s\n", n, y / x, b
    }'
}

# float_le A B: succeed when A <= B.
float_le() {
    awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'
}

met() {
    if "$@"; then printf 'met'; else printf 'NOT met'; fi
}
