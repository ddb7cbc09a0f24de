#!/usr/bin/env bash
# wisp's text translation against wabt's: for every text module in the spec
# suite that wabt can parse, the two binaries must be equal, or else decode to
# the same module text (wasm2wat of both).
set -u
cd "$(dirname "$0")/../.."
. tests/cli/lib.sh
if ! command -v wast2json >/dev/null || ! command -v wasm2wat >/dev/null; then
  echo "SKIP text vs wabt: wabt is not installed"; exit 0; fi
if [ ! -d "$WISP_SPEC_DIR" ]; then
  echo "SKIP text vs wabt: spec suite not found at $WISP_SPEC_DIR"; exit 0; fi
tool="$BUILD/tests/wast_modules"
mkdir -p "$(dirname "$tool")"
flags=""; [ "$SAN" = 1 ] && flags="-fsanitize=address,undefined -fno-omit-frame-pointer"
$CC -std=gnu11 -O1 -g $flags -Iinclude -Isrc tests/tools/wast_modules.c "$BUILD/libwisp.a" -lm -pthread -o "$tool" || {
  echo "FAIL text vs wabt: cannot build the test tool"; exit 1; }
# wabt 1.0.32 cannot read these scripts; wisp's own suite run covers them.
wabt_cannot="comments if table_fill table_get table_grow table_set table_size"
# Modules where wabt's binary is wrong: it leaves out the data count section
# that data.drop and memory.init require (wabt's own wasm2wat then rejects
# wisp's correct binary). Listed as file:line.
wabt_wrong="memory_init:190 memory_init:227"
for w in "$WISP_SPEC_DIR"/*.wast; do
  b=$(basename "$w" .wast)
  case " $wabt_cannot " in *" $b "*) echo "SKIP text vs wabt: $b.wast: wabt 1.0.32 cannot parse it"; continue;; esac
  d="$T/$b"; mkdir -p "$d/wabt" "$d/wisp"
  if ! wast2json --enable-all "$w" -o "$d/wabt/x.json" >/dev/null 2>&1 && ! wast2json "$w" -o "$d/wabt/x.json" >/dev/null 2>&1; then
    echo "SKIP text vs wabt: $b.wast: wast2json failed on it"; continue; fi
  if ! "$tool" "$w" "$d/wisp" 2>"$d/err"; then
    echo "FAIL text vs wabt: $b.wast: wisp cannot parse the script: $(head -1 "$d/err")"; continue; fi
  n=0; bad=""
  # One command per line in wast2json output: pick the line and the .wasm file
  # of every module that was text in the script (binary modules are copied).
  while read -r line file; do
    ours="$d/wisp/$line.wasm"
    [ -f "$ours" ] || continue
    case " $wabt_wrong " in *" $b:$line "*)
      echo "SKIP text vs wabt: $b.wast:$line: wabt omits the data count section here"; continue;; esac
    n=$((n+1))
    cmp -s "$ours" "$d/wabt/$file" && continue
    if wasm2wat --enable-all --no-check "$ours" -o "$d/a.wat" 2>/dev/null &&
       wasm2wat --enable-all --no-check "$d/wabt/$file" -o "$d/b.wat" 2>/dev/null &&
       cmp -s "$d/a.wat" "$d/b.wat"; then continue; fi
    bad="$bad $line"
  done < <(sed -n 's/.*"line": \([0-9]*\), "filename": "\([^"]*\.wasm\)".*/\1 \2/p' "$d/wabt/x.json")
  if [ -z "$bad" ]; then echo "PASS text vs wabt: $b.wast ($n modules)"
  else echo "FAIL text vs wabt: $b.wast: modules at lines$bad differ from wabt's"; fi
done
