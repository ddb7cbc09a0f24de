#!/usr/bin/env bash
# wisp run --profile: the guest profiler in each tier. profile.wat's $hot
# does ten times the work of $cold, so it must hold most of the samples,
# in the Firefox Profiler file and in the flame graph alike.
cd "$(dirname "$0")"
. ./lib.sh
: "${WISP:?}"

tiers="interp"
if "$WISP" --version | grep -q '^compiled tier: LLVM'; then
  tiers="interp compiled auto"
else
  echo "SKIP the profile of native code: the compiled tier is not built in"
fi

# The share of samples whose innermost frame is NAME, in percent, from
# the Firefox Profiler file F (its Gecko format: a sample's stack row
# names a frame, whose location is a string); "invalid" if F is not
# such a file.
share() {
  node -e '
    const [f, name] = process.argv.slice(1);
    let p;
    try { p = JSON.parse(require("fs").readFileSync(f, "utf8")); } catch (e) { console.log("invalid"); process.exit(0); }
    const t = p.threads && p.threads[0];
    const ok = p.meta && p.meta.version > 0 && t && t.samples && t.stackTable && t.frameTable && t.stringTable;
    if (!ok) { console.log("invalid"); process.exit(0); }
    const st = t.stackTable.data, fr = t.frameTable.data, s = t.stringTable;
    let hit = 0, n = 0;
    for (const [stack, time] of t.samples.data) {
      if (typeof time !== "number" || stack === null || !st[stack]) { console.log("invalid"); process.exit(0); }
      n++;
      if (s[fr[st[stack][1]][0]] === name) hit++;
    }
    console.log(n ? Math.round(100 * hit / n) : 0);
  ' "$1" "$2"
}

want=$("$WISP" run -C tier=interp --invoke main profile.wat 3000)
for t in $tiers; do
  p=$T/$t.json
  run "$WISP" run -C tier=$t --profile=guest,$p,1ms --invoke main profile.wat 3000
  s=$(share "$p" '$hot')
  check "$t: --profile=guest writes a Firefox Profiler file where \$hot dominates ($s%)" \
    test "$rc" = 0 -a "$out" = "$want" -a "$s" != invalid -a "${s:-0}" -ge 60
  f=$T/$t.svg
  run "$WISP" run -C tier=$t --profile=flamegraph,$f,1ms --invoke main profile.wat 3000
  pct=$(sed -n 's/.*<title>\$hot ([0-9]* samples, \([0-9]*\)\.[0-9]*%)<\/title>.*/\1/p' "$f" | head -1)
  check "$t: --profile=flamegraph writes an SVG whose \$hot box is the widest above \$main ($pct%)" \
    test "$rc" = 0 -a "$out" = "$want" -a -n "$(head -2 "$f" | grep -F '<svg xmlns=')" \
      -a -n "$(tail -1 "$f" | grep -F '</svg>')" \
      -a "${pct:-0}" -ge 60
done

# The default path and interval, in the working directory.
(cd "$T" && "$WISP" run --profile=guest --invoke main "$OLDPWD/profile.wat" 300 >/dev/null 2>&1)
check "--profile=guest defaults to wisp-guest-profile.json" test -s "$T/wisp-guest-profile.json"
(cd "$T" && "$WISP" run --profile flamegraph --invoke main "$OLDPWD/profile.wat" 300 >/dev/null 2>&1)
check "--profile flamegraph (two words) defaults to wisp-flamegraph.svg" test -s "$T/wisp-flamegraph.svg"

# A trap still writes the profile, and the run's status is the trap's.
cat > "$T/trap.wat" <<'WAT'
(module (func $spin (param i32) (loop $l (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
  (br_if $l (local.get 0))) unreachable) (func (export "_start") (call $spin (i32.const 30000000))))
WAT
run "$WISP" run -C tier=interp --profile=guest,$T/trap.json,1ms "$T/trap.wat"
check "a trapping program still writes its profile (exit 134)" \
  test "$rc" = 134 -a "$(share "$T/trap.json" '$spin')" != invalid

# Bad values are usage errors; an unwritable path is an error after the run.
run "$WISP" run --profile=perf profile.wat
check "--profile=perf: usage error naming the kinds" test "$rc" = 2 -a -n "$(echo "$err" | grep -F 'guest')"
run "$WISP" run --profile=guest,x.json,0ms profile.wat
check "--profile with a zero interval: usage error" test "$rc" = 2
want=$("$WISP" run -C tier=interp --invoke main profile.wat 10)
run "$WISP" run --profile=guest,/nonexistent/dir/p.json --invoke main profile.wat 10
check "--profile to an unwritable path: the result, then an error naming the path, exit 1" \
  test "$rc" = 1 -a "$out" = "$want" -a -n "$(echo "$err" | grep -F '/nonexistent/dir/p.json')"
