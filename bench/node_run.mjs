// Node runner for one bench kernel: instantiates K.wasm and prints
// "<checksum> <seconds>", timing the run() call alone (compilation happens in
// instantiate, before the clock starts). Usage: node node_run.mjs K.wasm
import { readFileSync } from 'node:fs';

const bytes = readFileSync(process.argv[2]);
const { instance } = await WebAssembly.instantiate(bytes, {});
const run = instance.exports.run;
const t0 = process.hrtime.bigint();
const r = run();
const t1 = process.hrtime.bigint();
// i64 results arrive as BigInt; print them unsigned like the native driver.
const checksum = BigInt.asUintN(64, BigInt(r));
console.log(`${checksum} ${(Number(t1 - t0) / 1e9).toFixed(6)}`);
