#!/usr/bin/env bash
# Runs the CPU bench kernels natively, under node and under wisp, and prints
# one table row per kernel plus the geometric mean of the slowdowns. Called by
# `make bench` as: run.sh DIR WISP KERNEL...  (DIR holds K.native and K.wasm).
# shellcheck disable=SC2317  # the one_* functions are called as "one_$runner"
set -u
export LC_ALL=C   # a decimal point, not a comma, in EPOCHREALTIME and printf

dir=$1 wisp=$2
shift 2
repeat=${BENCH_REPEAT:-3}
[[ "$repeat" =~ ^[1-9][0-9]*$ ]] || repeat=1
node=${BENCH_NODE:-node}
# TurboFan from the start: V8 cannot tier a running loop up from Liftoff, so a
# single long run() call would otherwise be timed in the baseline compiler.
node_flags=${BENCH_NODE_FLAGS:---no-liftoff --no-wasm-lazy-compilation}
tmo=${BENCH_TIMEOUT:-300}
# The "limits" column runs wisp again with fuel and a timeout on, so the cost
# of the check points shows beside the run without them. Empty: no column.
limits=${BENCH_LIMITS-"-W fuel=9000000000000000000,timeout=1h"}
# The "compiled" column runs wisp with -C tier=compiled, best of $repeat
# with the code cache (the first run fills it), and times run() alone as
# native and node are timed (WISP_INVOKE_TIME); "cold" is the whole
# process compiling without the cache (best of $repeat), LLVM's loading included.
# Without the compiled tier both are n/a. "auto" is the whole process
# under the default tier without the cache (the interpreter first, hot
# code compiled in the background), best of $repeat, and auto/cold its
# ratio to the cold compiled run: the cost of starting in the interpreter.
compiled=${BENCH_COMPILED-"-C tier=compiled"}
export XDG_CACHE_HOME
XDG_CACHE_HOME=$(mktemp -d)

here=$(cd "$(dirname "$0")" && pwd)
errf=$(mktemp)
trap 'rm -rf "$errf" "$XDG_CACHE_HOME"' EXIT

have_node=1
command -v "$node" >/dev/null 2>&1 || have_node=0
have_wisp=1
if [ ! -x "$wisp" ]; then
    have_wisp=0
    echo "note: $wisp not found; wisp column is n/a" >&2
fi

# Each one_* runs a kernel once and prints "CHECKSUM SECONDS" on success; on
# failure it prints a reason to stderr and returns 1. one_wisp returns 2 when
# wisp has no run command at all and 3 when it cannot run this kernel yet.
one_native() {
    local out
    out=$(timeout "$tmo" "$dir/$1.native" 2>"$errf") || {
        echo "native $1: exit $? $(head -c 300 "$errf")" >&2; return 1; }
    echo "$out"
}

one_node() {
    local out
    # shellcheck disable=SC2086
    out=$(timeout "$tmo" "$node" $node_flags "$here/node_run.mjs" "$dir/$1.wasm" 2>"$errf") || {
        echo "node $1: exit $? $(head -c 300 "$errf")" >&2; return 1; }
    echo "$out"
}

# wisp is timed from outside, so its figure includes process start-up,
# loading, validation and compilation as well as run() itself.
one_wisp() {
    local out rc t0 t1 ck
    t0=$EPOCHREALTIME
    # shellcheck disable=SC2086  # $wisp_flags is a list of words
    out=$(WISP_INVOKE_TIME=${invoke_time:-0} timeout "$tmo" "$wisp" run ${wisp_flags:-} "$dir/$1.wasm" --invoke run 2>"$errf")
    rc=$?
    t1=$EPOCHREALTIME
    if [ "$rc" = 2 ] && grep -qi 'unknown command' "$errf"; then
        return 2
    fi
    # A feature wisp does not have yet is n/a for this kernel, not a failure.
    if [ "$rc" != 0 ] && grep -qi 'not implemented\|compiled tier is unavailable' "$errf"; then
        echo "note: wisp $1: $(head -c 200 "$errf")" >&2
        return 3
    fi
    if [ "$rc" != 0 ]; then
        echo "wisp $1: exit $rc $(head -c 300 "$errf")" >&2
        return 1
    fi
    ck=$(printf '%s\n' "$out" | grep -m1 -E '^-?[0-9]+$')
    if [ -z "$ck" ]; then
        echo "wisp $1: no integer result in output: $(printf '%s' "$out" | head -c 200)" >&2
        return 1
    fi
    # Whether wisp prints the i64 signed or unsigned, compare it unsigned.
    # With invoke_time set, the call alone (as native and node are timed).
    local took=""
    [ -n "${invoke_time:-}" ] && took=$(sed -n 's/^wisp: run took \([0-9.]*\) s$/\1/p' "$errf" | head -1)
    if [ -n "$took" ]; then
        printf '%u %s\n' "$ck" "$took"
    else
        printf '%u %s\n' "$ck" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')"
    fi
}

# The columns: name, runner, wisp's flags, whether to time run() alone.
col_names=(native node wisp limits compiled cold auto)
col_runner=(native node wisp wisp wisp wisp wisp)
col_flags=("" "" "" "$limits" "$compiled" "$compiled,cache=n" "-C tier=auto,cache=n")
col_invoke=("" "" "" "" 1 "" "")

# One kernel: $repeat rounds, each running every column once, so that a
# burst of load on this shared machine hits all columns alike; each column
# keeps its best time. Prints "SECONDS CHECKSUM" per column ("n/a -" or
# "err -" where it cannot run) on one line after the kernel's name.
measure() {
    local k=$1 i c out rc ck t
    local -a best=() bck=() state=()
    for ((c = 0; c < ${#col_names[@]}; c++)); do
        state[c]=run
        case ${col_names[c]} in
        node) [ "$have_node" = 1 ] || state[c]="n/a" ;;
        limits) [ "$have_wisp" = 1 ] && [ -n "$limits" ] || state[c]="n/a" ;;
        compiled | cold | auto) [ "$have_wisp" = 1 ] && [ -n "$compiled" ] || state[c]="n/a" ;;
        wisp) [ "$have_wisp" = 1 ] || state[c]="n/a" ;;
        esac
    done
    for ((i = 0; i < repeat; i++)); do
        for ((c = 0; c < ${#col_names[@]}; c++)); do
            [ "${state[c]}" = run ] || continue
            out=$(wisp_flags=${col_flags[c]} invoke_time=${col_invoke[c]} "one_${col_runner[c]}" "$k")
            rc=$?
            if [ "$rc" -ge 2 ]; then
                state[c]="n/a"
                [ "$rc" = 2 ] && echo "note: '$wisp run' is not available; wisp columns are n/a" >&2
                continue
            fi
            [ "$rc" != 0 ] && { state[c]=err; continue; }
            read -r ck t <<<"$out"
            if [ -n "${bck[c]:-}" ] && [ "$ck" != "${bck[c]}" ]; then
                echo "${col_names[c]} $k: checksum changed between runs (${bck[c]}, then $ck)" >&2
                state[c]=err
                continue
            fi
            bck[c]=$ck
            if [ -z "${best[c]:-}" ] || awk -v a="$t" -v b="${best[c]}" 'BEGIN { exit !(a < b) }'; then
                best[c]=$t
            fi
        done
    done
    printf '%s' "$k"
    for ((c = 0; c < ${#col_names[@]}; c++)); do
        case ${state[c]} in
        run) printf ' %s %s' "${best[c]}" "${bck[c]}" ;;
        *) printf ' %s -' "${state[c]}" ;;
        esac
    done
    echo
}

echo "# $# kernels, best of $repeat (rounds interleaved), ${BENCH_LABEL:-}; native, node and compiled time run() alone," \
     "wisp, limits, cold and auto the whole process"

status=0
{
    for k in "$@"; do
        measure "$k"
    done
} | awk '
function ratio(t, base) { return (t ~ /^[0-9.]+$/ && base > 0) ? t / base : "" }
function fmt_t(t) { return t ~ /^[0-9.]+$/ ? sprintf("%.3f", t) : t }
function fmt_r(r) { return r == "" ? "" : sprintf("%.1fx", r) }
BEGIN {
    printf "%-9s %-9s %-7s %-7s %-11s %-11s %-9s %-11s %-8s %-11s %-9s %-8s %-9s %s\n", "kernel", "native(s)", "node(s)", "wisp(s)", "node/native", "wisp/native", "limits(s)", "limits/wisp", "compiled", "comp/native", "cold(s)", "auto(s)", "auto/cold", "checksum"
    bad = 0
}
{
    k = $1; nt = $2; nck = $3; ot = $4; ock = $5; wt = $6; wck = $7; lt = $8; lck = $9
    ct = $10; cck = $11; dt = $12; dck = $13; at = $14; ack = $15
    if (ct == "err" || dt == "err" || at == "err") wt = "err"
    if (ack != "-" && ack != nck) wck = ack
    ra = (dt ~ /^[0-9.]+$/) ? ratio(at, dt + 0) : ""
    if (ra != "") { la += log(ra); na++ }
    if (cck != "-" && cck != nck) wck = cck
    if (dck != "-" && dck != nck) wck = dck
    rl = (wt ~ /^[0-9.]+$/) ? ratio(lt, wt + 0) : ""
    if (rl != "") { ll += log(rl); nl++ }
    if (lt == "err") wt = "err"
    if (lck != "-" && lck != nck) wck = lck
    base = nt ~ /^[0-9.]+$/ ? nt + 0 : 0
    ro = ratio(ot, base); rw = ratio(wt, base); rc = ratio(ct, base)
    if (ro != "") { lo += log(ro); no++ }
    if (rw != "") { lw += log(rw); nw++ }
    if (rc != "") { lc += log(rc); nc++ }
    if (nt == "err" || ot == "err" || wt == "err") {
        cs = "ERROR (" (nt == "err" ? "native " : "") (ot == "err" ? "node " : "") (wt == "err" ? "wisp" : "") ")"
        sub(/ \)$/, ")", cs); bad = 1
    } else if ((ock != "-" && ock != nck) || (wck != "-" && wck != nck)) {
        cs = "MISMATCH native=" nck (ock != "-" ? " node=" ock : "") (wck != "-" ? " wisp=" wck : "")
        bad = 1
    } else {
        cs = "ok"
    }
    printf "%-9s %-9s %-7s %-7s %-11s %-11s %-9s %-11s %-8s %-11s %-9s %-8s %-9s %s\n", k, fmt_t(nt), fmt_t(ot), fmt_t(wt), fmt_r(ro), fmt_r(rw), fmt_t(lt), rl == "" ? "" : sprintf("%.2fx", rl), fmt_t(ct), rc == "" ? "" : sprintf("%.2fx", rc), fmt_t(dt), fmt_t(at), ra == "" ? "" : sprintf("%.2fx", ra), cs
    fflush()
}
END {
    printf "%-9s %-9s %-7s %-7s %-11s %-11s %-9s %-11s %-8s %-11s %-9s %-8s %s\n", "geomean", "", "", "", no ? sprintf("%.2fx", exp(lo / no)) : "n/a", nw ? sprintf("%.1fx", exp(lw / nw)) : "n/a", "", nl ? sprintf("%.2fx", exp(ll / nl)) : "n/a", "", nc ? sprintf("%.2fx", exp(lc / nc)) : "n/a", "", "", na ? sprintf("%.2fx", exp(la / na)) : "n/a"
    exit bad
}' || status=1
exit "$status"
