# lib.sh — TAP helpers for the shell tests. Source it; then use ok/check/
# contains and end with done_testing. $T is a scratch directory removed on exit.

n=0
failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/tandem-sh-XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM PIPE

# ok STATUS DESCRIPTION: STATUS 0 passes
ok() {
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=$((failed + 1))
    fi
}

# contains TEXT PART: succeeds when TEXT contains PART
contains() {
    case "$1" in *"$2"*) return 0 ;; esac
    return 1
}

# like TEXT PART DESCRIPTION
like() {
    if contains "$1" "$2"; then
        ok 0 "$3"
    else
        ok 1 "$3"
        printf '%s\n' "$1" | sed 's/^/#   got: /'
        echo "#   wanted it to contain: $2"
    fi
}

# is GOT WANT DESCRIPTION
is() {
    if [ "$1" = "$2" ]; then
        ok 0 "$3"
    else
        ok 1 "$3"
        echo "#   got '$1', want '$2'"
    fi
}

done_testing() {
    echo "1..$n"
    [ "$failed" -eq 0 ]
}
