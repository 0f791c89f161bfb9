#!/bin/sh
# run.sh — runs the benchmark programs and writes docs/BENCHMARKS.md.
#
#   make bench           quick sizes, whole run well under 3 minutes
#   make bench FULL=1    large sizes (10 M rows / 10 M events)
#
# Each program prints ROW and ABOUT lines (bench/bench.h); this script turns
# them into one section of docs/BENCHMARKS.md. The file keeps one section per
# mode between markers, so a quick run replaces the quick section and leaves
# the last FULL results in place (and the other way round).
#
# Arguments: the benchmark programs (from Makefile.am). Environment: srcdir,
# CC, BENCH_FULL; BENCH_RUNS overrides the number of runs per figure;
# BENCH_ONLY=KEY,KEY runs only those figures (for profiling);
# BENCH_RENDER=1 runs nothing and rewrites the section from the last results
# of that mode (after editing an analysis in bench/notes/).
set -eu

srcdir=${srcdir:-.}
CC=${CC:-cc}
mode=quick
case "${BENCH_FULL:-}" in "" | 0 | no) BENCH_FULL= ;; *) BENCH_FULL=1 mode=full ;; esac
export BENCH_FULL

doc="$srcdir/docs/BENCHMARKS.md"
work=bench/tmp
mkdir -p "$work"
results="$work/results-$mode.tsv"

# ---- 200 plugins for the start-up figure: one build per name, kept ----------
build_plugins() {
    plugins="$work/plugins-200"
    if [ ! -f "$plugins/.stamp" ] || [ "$srcdir/bench/tiny_plugin.c" -nt "$plugins/.stamp" ] ||
       [ "$srcdir/include/tandem/plugin.h" -nt "$plugins/.stamp" ]; then
        echo "  bench: building 200 plugins from bench/tiny_plugin.c" >&2
        rm -rf "$plugins"
        mkdir -p "$plugins"
        seq -f '%03g' 1 200 | xargs -P 2 -I NUM $CC -shared -fPIC -O2 -fvisibility=hidden \
            -I"$srcdir/include" -DBENCH_PLUGIN_NAME=bpNUM -o "$plugins/bpNUM.so" \
            "$srcdir/bench/tiny_plugin.c"
        touch "$plugins/.stamp"
    fi
}

# ---- run: ROW and ABOUT lines from the programs, META lines from here -------
meta() {
    printf 'META\t%s\t%s\n' "$1" "$2" >> "$results"
}

run_all() {
    : > "$results"
    build_plugins
    started=$(date +%s)
    for prog in "$@"; do
        name=${prog##*/}
        echo "  bench: $name" >&2
        case "$name" in
        bench_startup)
            "$prog" "$plugins" >> "$results"
            "$prog" --memory plugins/.libs >> "$results" ;;
        *)
            "$prog" >> "$results" ;;
        esac
    done
    commit=$(git -C "$srcdir" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if [ "$commit" != unknown ] && [ -n "$(git -C "$srcdir" status --porcelain 2>/dev/null)" ]; then
        commit="$commit (with uncommitted changes in the working tree)"
    fi
    meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
    meta commit "$commit"
    meta elapsed "$(( $(date +%s) - started ))"
    meta runs "${BENCH_RUNS:-5}"
    meta compiler "$($CC --version | head -n 1)"
    meta versions "SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1), redis-server $(redis-server --version 2>/dev/null | sed -n 's/.*v=\([^ ]*\).*/\1/p')"
}

if [ -n "${BENCH_RENDER:-}" ]; then
    [ -f "$results" ] || { echo "bench: no $results to render" >&2; exit 1; }
else
    run_all "$@"
fi

# ---- the section ------------------------------------------------------------
# A META value of the results.
got() {
    awk -F '\t' -v k="$1" '$1 == "META" && $2 == k { print $3 }' "$results"
}

machine() {
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    cores=$(grep -c '^processor' /proc/cpuinfo)
    ram=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
    kernel=$(cat /proc/sys/kernel/osrelease)
    runs="median of $(got runs) runs per figure"
    [ "$mode" = full ] && runs="$runs (the replay: 3, each rebuild takes minutes)"
    echo "- **Machine:** $cpu, $cores cores, $ram RAM, Linux $kernel"
    echo "- **Date:** $(got date)"
    echo "- **Commit:** $(got commit)"
    echo "- **Software:** $(got compiler); $(got versions)"
    echo "- **Runs:** $runs, baseline and subject interleaved; the whole run took $(got elapsed) s"
}

table() {
    echo "| figure | median | baseline (same run) | ratio | goal | result |"
    echo "|---|---|---|---|---|---|"
    awk -F '\t' '$1 == "ROW" { printf "| %s | %s | %s | %s | %s | **%s** |\n", $3, $4, $5, $6, $7, $8 }' "$results"
}

about() {
    awk -F '\t' '$1 == "ROW" { fig[$2] = $3 } $1 == "ABOUT" { printf "- **%s** — %s\n", fig[$2], $3 }' "$results"
}

misses() {
    awk -F '\t' '$1 == "ROW" && $8 == "MISS" { print $2 "\t" $3 "\t" $4 "\t" $6 "\t" $7 }' "$results" |
    while IFS="$(printf '\t')" read -r key figure value ratio goal; do
        echo
        echo "#### MISS: $figure"
        echo
        echo "Measured $value (ratio $ratio); the goal is $goal."
        echo
        if [ -f "$srcdir/bench/notes/$key.md" ]; then
            cat "$srcdir/bench/notes/$key.md"
        else
            echo "(no analysis written yet: bench/notes/$key.md)"
        fi
    done
}

section() {
    if [ "$mode" = full ]; then
        echo "## Full run (\`make bench FULL=1\`: 10 M rows, 10 M events)"
    else
        echo "## Quick run (\`make bench\`: smaller sizes, as each figure says)"
    fi
    echo
    machine
    echo
    table
    echo
    echo "### What each benchmark measures"
    echo
    about
    if awk -F '\t' '$1 == "ROW" && $8 == "MISS" { found = 1 } END { exit !found }' "$results"; then
        echo
        echo "### Goals missed: why, and what would close them"
        misses
    fi
}

# The other mode's section of the existing file, markers included.
kept() {
    other=$1
    [ -f "$doc" ] || return 0
    awk -v b="<!-- bench:$other:begin -->" -v e="<!-- bench:$other:end -->" \
        '$0 == b { on = 1 } on { print } $0 == e { on = 0 }' "$doc"
}

header() {
    cat <<'EOF'
# Benchmarks

Written by `make bench` (quick sizes) and `make bench FULL=1` (10 M rows and
events); do not edit by hand. Each mode replaces its own section and keeps
the other's, so the last full results stay here after a quick run. The
programs are in `bench/` and drive the real core (`core/libtandem.la`):
`core_open` on a configuration they write, the command layer, the bus, the
store and the shipped `scripts/points.lua`.

- **median**: the median of the runs; **baseline**: the median of the
  baseline's runs, measured in the same process, interleaved with the
  subject's runs (subject, baseline, subject, baseline …) so that noise on the
  machine hits both; **ratio**: the median of the per-run ratios (shown for
  information where the goal is an absolute figure).
- Durable figures run on the build tree's file system (`bench/tmp`), never
  on a tmpfs: `synchronous=FULL` must reach the disk.
- No test of `make check` asserts a time.
EOF
}

new=$(section)
{
    header
    echo
    if [ "$mode" = full ]; then
        kept quick
        [ -f "$doc" ] && grep -q '<!-- bench:quick:begin -->' "$doc" && echo
        echo "<!-- bench:full:begin -->"
        echo "$new"
        echo "<!-- bench:full:end -->"
    else
        echo "<!-- bench:quick:begin -->"
        echo "$new"
        echo "<!-- bench:quick:end -->"
        if [ -f "$doc" ] && grep -q '<!-- bench:full:begin -->' "$doc"; then
            echo
            kept full
        fi
    fi
} > "$doc.tmp"
mv "$doc.tmp" "$doc"
echo "  bench: wrote $doc ($mode run, $(got elapsed) s)" >&2
table >&2
