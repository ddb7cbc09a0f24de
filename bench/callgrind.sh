#!/usr/bin/env bash
# Counts the instructions one bench kernel takes under wisp and natively with
# callgrind: unlike wall time on a shared machine, the counts repeat exactly.
# Called by `make bench-callgrind` as: callgrind.sh DIR WISP KERNEL
set -u
dir=$1 wisp=$2 k=$3

command -v valgrind >/dev/null 2>&1 || { echo "bench-callgrind: valgrind is not installed" >&2; exit 1; }

# The event total from a callgrind output file ("summary:" is written when
# the run ends; "totals:" is the fallback some versions write instead).
count() {
    awk '/^summary:/ { print $2; found = 1; exit } /^totals:/ { t = $2 } END { if (!found && t != "") print t }' "$1"
}

# Natively only run() and its callees are counted, to leave out the dynamic
# loader and libc start-up; under wisp the whole process is counted.
ncg=$dir/$k.native.callgrind
out=$(valgrind --tool=callgrind --toggle-collect=run --callgrind-out-file="$ncg" "$dir/$k.native" 2>/dev/null) || {
    echo "bench-callgrind: $dir/$k.native failed under valgrind" >&2; exit 1; }
native_ck=${out%% *}
native_ir=$(count "$ncg")

wcg=$dir/$k.wisp.callgrind
log=$dir/$k.wisp.callgrind.log
if [ ! -x "$wisp" ]; then
    echo "bench-callgrind: $wisp not found" >&2; exit 1
fi
wout=$(valgrind --tool=callgrind --callgrind-out-file="$wcg" --log-file="$log" "$wisp" run "$dir/$k.wasm" --invoke run)
rc=$?
if [ "$rc" != 0 ]; then
    echo "bench-callgrind: wisp exited with status $rc (valgrind log: $log)" >&2
    exit 1
fi
wisp_ir=$(count "$wcg")
wisp_ck=$(printf '%s\n' "$wout" | grep -m1 -E '^-?[0-9]+$')
[ -n "$wisp_ck" ] && wisp_ck=$(printf '%u' "$wisp_ck")

echo "kernel $k ($dir)"
printf '  native run():  %15s instructions\n' "$native_ir"
printf '  wisp process:  %15s instructions  (%s)\n' "$wisp_ir" "$wcg"
awk -v w="$wisp_ir" -v n="$native_ir" 'BEGIN { if (n > 0) printf "  wisp/native:   %15.1fx\n", w / n }'
if [ "$wisp_ck" != "$native_ck" ]; then
    echo "  checksum MISMATCH: native=$native_ck wisp=${wisp_ck:-none}"
    exit 1
fi
echo "  checksum ok ($native_ck); callgrind_annotate $wcg for the profile"
