// The V8 side of exec_diff: same events, same format as exec_diff.c.
import { readFileSync } from 'node:fs';
const out = [];
const view = new DataView(new ArrayBuffer(8));
const fmt = (v) => {
  if (typeof v === 'bigint') return `i64 ${BigInt.asIntN(64, v)}`;
  if (Number.isNaN(v)) return 'nan';
  view.setFloat64(0, v, true);
  return `0x${view.getBigUint64(0, true).toString(16).padStart(16, '0')}`;
};
const log = (v) => { out.push(`log ${fmt(v)}`); };
const imports = { 'fuzzing-support': { 'log-i32': log, 'log-i64': log, 'log-f32': log, 'log-f64': log } };
const mod = new WebAssembly.Module(readFileSync(process.argv[2]));
let inst;
try { inst = new WebAssembly.Instance(mod, imports); }
catch (e) { console.log(e instanceof WebAssembly.RuntimeError ? 'instantiate trap' : 'instantiate error'); process.exit(0); }
for (const ex of WebAssembly.Module.exports(mod)) {
  if (ex.kind !== 'function') continue;
  out.push(`call ${ex.name}`);
  const fn = inst.exports[ex.name];
  if (fn.length > 0) { out.push('skip'); continue; }
  let r;
  try { r = fn(); }
  catch (e) {
    out.push(e instanceof WebAssembly.RuntimeError || e instanceof RangeError ? 'trap'
             : e instanceof TypeError ? 'skip' : `error ${e}`);
    continue;
  }
  if (Array.isArray(r)) for (const x of r) out.push(`result ${fmt(x)}`);
  else if (r !== undefined) out.push(`result ${fmt(r)}`);
}
console.log(out.join('\n'));
