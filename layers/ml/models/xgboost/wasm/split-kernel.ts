import { Code, F64, type FunctionDef, I32 } from '../../../wasm/encoder.ts';

export interface SplitKernel {
  /**
   * split-search.ts's scan of one feature's histogram (`lastSplit` candidate bins from `hist`), in the
   * same operations and order, so gains are bit-identical. Returns the best bin whose gain, rounded to
   * float32, beats `bestRounded` (−1 if none) and writes [gain, gradLeft, hessLeft, rounded] as f64 at
   * `result`.
   */
  scanFeature(
    hist: number,
    lastSplit: number,
    gradSum: number,
    hessSum: number,
    lambda: number,
    minChildWeight: number,
    parentScore: number,
    bestRounded: number,
    result: number,
  ): number;
}

export function splitKernel(): FunctionDef {
  const [hist, lastSplit, gradSum, hessSum, lambda, minChildWeight, parentScore, bestRounded, result] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8,
  ];
  const c = new Code(9);
  const bin = c.local(I32);
  const bestBin = c.local(I32);
  const gl = c.local(F64);
  const hl = c.local(F64);
  const binGrad = c.local(F64);
  const binHess = c.local(F64);
  const hr = c.local(F64);
  const gain = c.local(F64);
  const rounded = c.local(F64);
  c.i32Const(-1).localSet(bestBin);
  c.block(() => {
    c.loop(() => {
      c.localGet(bin).localGet(lastSplit).i32GeU().brIf(1);
      c.block(() => {
        c.localGet(hist).f64Load().localSet(binGrad);
        c.localGet(hist).f64Load(8).localSet(binHess);
        // An empty bin moves no row, so the split after it equals the one before.
        c.localGet(binHess).f64Const0().f64Eq().localGet(binGrad).f64Const0().f64Eq().i32And().brIf(0);
        c.localGet(gl).localGet(binGrad).f64Add().localSet(gl);
        c.localGet(hl).localGet(binHess).f64Add().localSet(hl);
        c.localGet(hl).localGet(minChildWeight).f64Lt().localGet(hl).f64Const0().f64Le().i32Or().brIf(0);
        c.localGet(hessSum).localGet(hl).f64Sub().localSet(hr);
        // Hessians are positive, so H_R only shrinks from here on.
        c.localGet(hr).localGet(minChildWeight).f64Lt().localGet(hr).f64Const0().f64Le().i32Or().brIf(2);
        // gain = gl²/(hl+λ) + gr²/(hr+λ) − parentScore, gr = G − gl (the `gain` local holds gr first)
        c.localGet(gl).localGet(gl).f64Mul().localGet(hl).localGet(lambda).f64Add().f64Div();
        c.localGet(gradSum).localGet(gl).f64Sub().localTee(gain).localGet(gain).f64Mul();
        c.localGet(hr).localGet(lambda).f64Add().f64Div().f64Add();
        c.localGet(parentScore).f64Sub().localTee(gain);
        c.f32DemoteF64().f64PromoteF32().localTee(rounded).localGet(bestRounded).f64Gt();
        c.if(() => {
          c.localGet(rounded).localSet(bestRounded);
          c.localGet(bin).localSet(bestBin);
          c.localGet(result).localGet(gain).f64Store();
          c.localGet(result).localGet(gl).f64Store(8);
          c.localGet(result).localGet(hl).f64Store(16);
          c.localGet(result).localGet(rounded).f64Store(24);
        });
      });
      c.localGet(hist).i32Const(16).i32Add().localSet(hist);
      c.localGet(bin).i32Const(1).i32Add().localSet(bin);
      c.br(0);
    });
  });
  c.localGet(bestBin);
  return {
    name: 'scanFeature',
    params: [I32, I32, F64, F64, F64, F64, F64, F64, I32],
    results: [I32],
    code: c,
  };
}
