import { describe, expect, it } from 'vitest';
import { Code, encodeModule, type FunctionDef, I32, V128 } from '../../../layers/ml/wasm/encoder.ts';

interface Api {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, (...args: number[]) => void> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}
const wasm = (globalThis as unknown as { WebAssembly: Api }).WebAssembly;

function instantiate(functions: FunctionDef[]) {
  const memory = new wasm.Memory({ initial: 1 });
  const { exports } = new wasm.Instance(new wasm.Module(encodeModule(functions, 1)), { env: { memory } });
  return { exports, f64: new Float64Array(memory.buffer), i32: new Int32Array(memory.buffer) };
}

describe('wasm encoder', () => {
  it('encodes i32 constants of every LEB128 length, and memory offsets, exactly', () => {
    // Constants straddling the 7-bit group boundaries, both signs; offsets past one LEB byte.
    const values = [0, 1, 63, 64, -64, -65, 127, 128, -8192, 8191, 8192, 2 ** 31 - 1, -(2 ** 31), -123456789];
    const c = new Code(0);
    values.forEach((v, i) => {
      c.i32Const(0)
        .i32Const(v)
        .i32Store(1000 + i * 4);
    });
    const { exports, i32 } = instantiate([{ name: 'run', params: [], code: c }]);
    exports.run();
    expect(Array.from(i32.subarray(250, 250 + values.length))).toEqual(values);
  });

  it('computes f64x2 arithmetic, comparisons and lane tests as IEEE doubles do', () => {
    // a at 0, b at 16, s at 48 (splatted); out: (a + b)·s − a at 64, a < b mask at 80,
    // any_true(a < b | b < a) at i32 96, any_true(zero) at i32 100, i32.eq(7, 7) at i32 104.
    const c = new Code(0);
    const a = c.local(V128);
    c.i32Const(0).v128Load(0).localSet(a);
    c.i32Const(0);
    c.localGet(a).i32Const(0).v128Load(16).f64x2Add();
    c.i32Const(48).v128Load64Splat().f64x2Mul().localGet(a).f64x2Sub();
    c.v128Store(64);
    c.i32Const(80).localGet(a).i32Const(16).v128Load().f64x2Lt().v128Store();
    c.i32Const(96);
    c.localGet(a).i32Const(16).v128Load().f64x2Lt();
    c.i32Const(16).v128Load().localGet(a).f64x2Lt().v128Or().v128AnyTrue();
    c.i32Store();
    c.i32Const(100).v128Zero().v128AnyTrue().i32Store();
    c.i32Const(104).i32Const(7).i32Const(7).i32Eq().i32Store();
    const { exports, f64, i32 } = instantiate([{ name: 'run', params: [], code: c }]);
    f64.set([0.1, -3.5, 0.7, -3.5, 0, 0, 1 / 3], 0);
    exports.run();
    expect([f64[8], f64[9]]).toEqual([(0.1 + 0.7) * (1 / 3) - 0.1, (-3.5 + -3.5) * (1 / 3) - -3.5]);
    expect(Array.from(i32.subarray(20, 24))).toEqual([-1, -1, 0, 0]);
    expect(Array.from(i32.subarray(24, 27))).toEqual([1, 0, 1]);
  });

  it('runs blocks, loops, branches, ifs and calls as the text format means them', () => {
    // mark(i): i32[1000 + i] = i + 100. scan(n): for i = n-1 … 0, calls mark(i) when f64[i] > f64[i+1].
    const mark = new Code(1);
    mark.localGet(0).i32Const(4).i32Mul().localGet(0).i32Const(100).i32Add().i32Store(4000);
    const scan = new Code(1);
    const p = scan.local(I32);
    scan.block(() => {
      scan.loop(() => {
        scan.localGet(0).i32Eqz().brIf(1);
        scan.localGet(0).i32Const(1).i32Sub().localTee(0);
        scan.i32Const(8).i32Mul().localTee(p).f64Load().localGet(p).f64Load(8).f64Gt();
        scan.if(() => {
          scan.localGet(0).call(0);
        });
        scan.br(0);
      });
    });
    const { exports, f64, i32 } = instantiate([
      { name: 'mark', params: [I32], code: mark },
      { name: 'scan', params: [I32], code: scan },
    ]);
    const values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    f64.set(values);
    exports.scan(values.length - 1);
    const expected = values.slice(0, -1).map((v, i) => (v > values[i + 1] ? i + 100 : 0));
    expect(Array.from(i32.subarray(1000, 1000 + values.length - 1))).toEqual(expected);
  });
});
