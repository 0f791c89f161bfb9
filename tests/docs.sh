#!/bin/sh
# docs.sh — runs the examples in docs/*.md and reports TAP.
#
# The convention is described in docs/README.md. In short, per .md file, top
# to bottom, in a scratch directory of its own:
#   ```ini file=NAME      the block is written to NAME (also lua, c, sh ...)
#   ```c file=NAME.c      written, then compiled to NAME.so: one test point
#   ```LANG excerpt=PATH  the block must appear verbatim in $TOP_SRCDIR/PATH:
#                         one test point
#   ```console            "$ tandem ..." lines, each followed by its expected
#                         standard output; "..." matches any number of lines,
#                         "TEXT..." a line that starts with TEXT, "[exit N]"
#                         checks the exit status (default 0): one test point
#                         per command
#
# Environment (exported by `make check`): TANDEM, TOP_SRCDIR, TOP_BUILDDIR,
# TANDEM_PLUGIN_DIR, TANDEM_SCRIPT_DIR, CC. Arguments, if any, name the .md
# files to run instead of docs/*.md. Writes only under a mktemp -d directory.

: "${TANDEM:?TANDEM must name the built tandem binary}"
: "${TOP_SRCDIR:?TOP_SRCDIR must name the source tree}"
CC=${CC:-cc}

# Whatever the caller's shell has set must not leak into the examples.
unset TANDEM_CONFIG TANDEM_DB TANDEM_LOG_LEVEL TANDEM_TZ_KEEP
TANDEM_NOW=2026-03-02T08:00:00
TANDEM_ACTOR=doc
export TANDEM TANDEM_NOW TANDEM_ACTOR

work=$(mktemp -d "${TMPDIR:-/tmp}/tandem-docs.XXXXXX") || {
    echo "Bail out! cannot create a temporary directory"
    exit 1
}
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

# `tandem` in a console block is the binary under test.
mkdir "$work/bin"
printf '#!/bin/sh\nexec "$TANDEM" "$@"\n' >"$work/bin/tandem"
chmod +x "$work/bin/tandem"
PATH="$work/bin:$PATH"
export PATH

count=0
failed=0
sq="'"
command_re="^([A-Za-z_][A-Za-z0-9_]*=(${sq}[^${sq}]*${sq}|\"[^\"]*\"|[^ ${sq}\"]*)[[:space:]]+)*tandem([[:space:]]|\$)"

ok() {
    count=$((count + 1))
    echo "ok $count - $1"
}

not_ok() {
    count=$((count + 1))
    failed=$((failed + 1))
    echo "not ok $count - $1"
}

# Prints a file as TAP diagnostics.
diag() {
    sed 's/^/#   /' "$1"
}

# split_doc DOC OUTDIR: writes one file per interesting block to OUTDIR and
# prints a manifest, one line per block: KIND LINE ARG BLOCKFILE, where KIND
# is file, compile, excerpt or console.
split_doc() {
    awk -v out="$2" '
    function flush_block() {
        close(blockfile)
    }
    BEGIN { inblock = 0; n = 0 }
    {
        if (!inblock) {
            if (match($0, /^(```+|~~~+)/)) {
                fence = substr($0, 1, RLENGTH)
                info = substr($0, RLENGTH + 1)
                sub(/^[ \t]+/, "", info)
                sub(/[ \t]+$/, "", info)
                inblock = 1
                kind = ""
                nw = split(info, w, /[ \t]+/)
                if (w[1] == "console") {
                    kind = "console"; arg = "-"
                } else {
                    for (i = 2; i <= nw; i++) {
                        if (w[i] ~ /^file=/) {
                            arg = substr(w[i], 6)
                            kind = (w[1] == "c" && arg ~ /\.c$/) ? "compile" : "file"
                        } else if (w[i] ~ /^excerpt=/) {
                            arg = substr(w[i], 9); kind = "excerpt"
                        }
                    }
                }
                if (kind != "") {
                    n++
                    blockfile = out "/block" n
                    printf "" > blockfile
                    print kind, NR, arg, blockfile
                }
                next
            }
            next
        }
        # inside a block: a closing fence is the same character, at least
        # as long, and nothing else
        line = $0
        sub(/[ \t]+$/, "", line)
        if (substr(line, 1, 1) == substr(fence, 1, 1) && length(line) >= length(fence) &&
            line ~ /^(```+|~~~+)$/) {
            if (kind != "")
                flush_block()
            inblock = 0
            next
        }
        if (kind != "")
            print $0 > blockfile
    }
    END { if (inblock) print "unclosed", NR, "-", "-" }
    ' "$1"
}

# Replaces the scratch directory's absolute path by "." and the plugin and
# script directories by their variables' names, so that messages that name
# files read the same on every machine.
relative_paths() {
    awk -v d="$1" -v r="$2" -v pd="${TANDEM_PLUGIN_DIR:-}" -v sd="${TANDEM_SCRIPT_DIR:-}" '
    function swap(s, from, to,    i, o) {
        o = ""
        while ((i = index(s, from)) > 0) {
            o = o substr(s, 1, i - 1) to
            s = substr(s, i + length(from))
        }
        return o s
    }
    {
        line = $0
        if (r != "") { line = swap(line, r "/./", "./"); line = swap(line, r "/", "./"); line = swap(line, r, ".") }
        line = swap(line, d "/./", "./"); line = swap(line, d "/", "./"); line = swap(line, d, ".")
        if (pd != "") line = swap(line, pd, "$TANDEM_PLUGIN_DIR")
        if (sd != "") line = swap(line, sd, "$TANDEM_SCRIPT_DIR")
        print line
    }'
}

# match_output EXPECTED ACTUAL: 0 when the actual lines match the expected
# ones, where a line "..." matches any number of lines, and a line "TEXT..."
# matches any line that starts with TEXT. Trailing spaces and trailing empty
# lines are ignored on both sides.
match_output() {
    awk '
    function same(p, a,    n) {
        if (p == a)
            return 1
        n = length(p) - 3
        return n > 0 && substr(p, n + 1) == "..." && substr(a, 1, n) == substr(p, 1, n)
    }
    function m(i, j,    k) {
        if (i > np)
            return j > na
        if (pat[i] == "...") {
            for (k = j; k <= na + 1; k++)
                if (m(i + 1, k))
                    return 1
            return 0
        }
        return j <= na && same(pat[i], act[j]) && m(i + 1, j + 1)
    }
    FNR == 1 { file++ }
    { sub(/[ \t\r]+$/, "") }
    file == 1 { pat[++np] = $0 }
    file == 2 { act[++na] = $0 }
    END {
        while (np > 0 && pat[np] == "") np--
        while (na > 0 && act[na] == "") na--
        exit m(1, 1) ? 0 : 1
    }' "$1" "$2"
}

# run_command DOC LINE SCRATCH COMMAND EXPECTEDFILE
run_command() {
    rc_doc=$1 rc_line=$2 rc_dir=$3 cmd=$4 expected=$5
    label="$rc_doc:$rc_line: $cmd"
    # Only tandem commands, optionally after NAME=value assignments (the
    # value plain, 'quoted' or "quoted").
    if ! printf '%s\n' "$cmd" | grep -Eq "$command_re"; then
        not_ok "$label"
        echo "#   only tandem commands may appear in a console block"
        return
    fi
    want_exit=0
    grep '^\[exit [0-9]*\][ 	]*$' "$expected" >/dev/null &&
        want_exit=$(sed -n 's/^\[exit \([0-9]*\)\][ 	]*$/\1/p' "$expected" | tail -n 1)
    grep -v '^\[exit [0-9]*\][ 	]*$' "$expected" >"$work/want"
    (cd "$rc_dir" && eval "$cmd") </dev/null >"$work/raw" 2>"$work/stderr"
    got_exit=$?
    real=$(cd "$rc_dir" && pwd -P)
    relative_paths "$rc_dir" "$real" <"$work/raw" >"$work/got"
    if [ "$got_exit" = "$want_exit" ] && match_output "$work/want" "$work/got"; then
        ok "$label"
        return
    fi
    not_ok "$label"
    [ "$got_exit" = "$want_exit" ] || echo "#   exit status $got_exit, expected $want_exit"
    echo "#   expected:"
    diag "$work/want"
    echo "#   got:"
    diag "$work/got"
    if [ -s "$work/stderr" ]; then
        echo "#   standard error:"
        diag "$work/stderr"
    fi
}

# run_console DOC LINE SCRATCH BLOCKFILE: one test point per "$ " line.
run_console() {
    co_doc=$1 co_start=$2 co_dir=$3 co_block=$4
    cmd=
    cmdline=0
    i=$co_start
    : >"$work/expected"
    while IFS= read -r l || [ -n "$l" ]; do
        i=$((i + 1))
        case $l in
        '$ '*)
            [ -n "$cmd" ] && run_command "$co_doc" "$cmdline" "$co_dir" "$cmd" "$work/expected"
            cmd=${l#\$ }
            cmdline=$i
            : >"$work/expected"
            ;;
        *)
            if [ -z "$cmd" ]; then
                [ -n "$l" ] && {
                    not_ok "$co_doc:$i: output before any \"\$ \" command"
                    return
                }
                continue
            fi
            printf '%s\n' "$l" >>"$work/expected"
            ;;
        esac
    done <"$co_block"
    [ -n "$cmd" ] && run_command "$co_doc" "$cmdline" "$co_dir" "$cmd" "$work/expected"
}

# safe_name NAME: a relative path that stays inside the scratch directory.
safe_name() {
    case $1 in
    /* | .. | ../* | */.. | */../* | '') return 1 ;;
    esac
    return 0
}

run_doc() {
    doc=$1
    name=$(basename "$doc")
    base=${name%.md}
    dir="$work/$base"
    mkdir -p "$dir" "$work/$base.blocks"
    split_doc "$doc" "$work/$base.blocks" >"$work/$base.manifest"
    while read -r kind line arg block; do
        case $kind in
        unclosed)
            not_ok "$name:$line: a fenced block is not closed"
            ;;
        file | compile)
            if ! safe_name "$arg"; then
                not_ok "$name:$line: file=$arg must be a relative path inside the scratch directory"
                continue
            fi
            mkdir -p "$dir/$(dirname "$arg")"
            cp "$block" "$dir/$arg"
            [ "$kind" = compile ] || continue
            so=${arg%.c}.so
            if (cd "$dir" && $CC -shared -fPIC -Wall -Werror -I"$TOP_SRCDIR/include" \
                -o "$so" "$arg") >"$work/cc.out" 2>&1; then
                chmod go-w "$dir/$so"
                ok "$name:$line: $arg compiles"
            else
                not_ok "$name:$line: $arg compiles"
                diag "$work/cc.out"
            fi
            ;;
        excerpt)
            if [ ! -f "$TOP_SRCDIR/$arg" ]; then
                not_ok "$name:$line: excerpt of $arg (no such file)"
            elif awk '
                FNR == 1 { file++ }
                file == 1 { whole = whole $0 "\n" }
                file == 2 { part = part $0 "\n" }
                END { exit index(whole, part) ? 0 : 1 }' "$TOP_SRCDIR/$arg" "$block"; then
                ok "$name:$line: excerpt of $arg matches the source"
            else
                not_ok "$name:$line: excerpt of $arg matches the source"
                echo "#   these lines do not appear together in $arg:"
                diag "$block"
            fi
            ;;
        console)
            run_console "$name" "$line" "$dir" "$block"
            ;;
        esac
    done <"$work/$base.manifest"
}

if [ $# -gt 0 ]; then
    for doc in "$@"; do
        run_doc "$doc"
    done
else
    for doc in "$TOP_SRCDIR"/docs/*.md "$TOP_SRCDIR"/docs/programmes/*.md; do
        [ -f "$doc" ] && run_doc "$doc"
    done
fi

if [ "$count" -eq 0 ]; then
    echo "1..0 # SKIP no examples found in docs/"
    exit 0
fi
echo "1..$count"
[ "$failed" -eq 0 ]
