/**
 * A minimal WebAssembly binary encoder: the part of the format (MVP + fixed-width SIMD, both in Node ≥ 16
 * without flags) that the histogram kernels use, so they can be written in TypeScript without a WAT
 * toolchain. References: the core spec's binary format (https://webassembly.github.io/spec/core/binary/)
 * and its SIMD instruction table (prefix 0xFD, opcode as unsigned LEB128).
 *
 * `Code` emits one function body; each method appends one instruction, named as in the text format
 * (`i32Load8U` for `i32.load8_u`), and returns `this`, so a body reads top to bottom like its WAT.
 * (layers/ml/models/knn/wasm/encoder.ts is the same design with the instructions KNN needs; the two could
 * become one shared module.)
 */

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof I64 | typeof F64 | typeof V128;

const SIMD_PREFIX = 0xfd;
/** log2 of the natural alignment, the first field of a memory immediate (a hint: misalignment is legal). */
const ALIGN_U8 = 0;
const ALIGN_I32 = 2;
const ALIGN_I64 = 3;
const ALIGN_F64 = 3;
const ALIGN_V128 = 4;

function unsignedLeb(value: number, out: number[]): void {
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
}

function signedLeb(value: number, out: number[]): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** Appends without spreading (a spread of a long body would hit the argument-count limit). */
function append(out: number[], bytes: readonly number[]): void {
  for (const b of bytes) out.push(b);
}

/** One function body. Locals are numbered after the parameters, in the order `local()` hands them out. */
export class Code {
  readonly bytes: number[] = [];
  private readonly localTypes: ValueType[] = [];
  private readonly paramCount: number;

  constructor(paramCount: number) {
    this.paramCount = paramCount;
  }

  /** Declares a new local and returns its index. */
  local(type: ValueType): number {
    this.localTypes.push(type);
    return this.paramCount + this.localTypes.length - 1;
  }

  /** The encoded body: size, local declarations (one group per local), instructions, `end`. */
  encode(): number[] {
    const body: number[] = [];
    unsignedLeb(this.localTypes.length, body);
    for (const type of this.localTypes) body.push(1, type);
    append(body, this.bytes);
    body.push(0x0b);
    const out: number[] = [];
    unsignedLeb(body.length, out);
    append(out, body);
    return out;
  }

  private op(...bytes: number[]): this {
    append(this.bytes, bytes);
    return this;
  }

  private index(opcode: number, value: number): this {
    this.bytes.push(opcode);
    unsignedLeb(value, this.bytes);
    return this;
  }

  private memory(opcode: number, align: number, offset: number, simd = false): this {
    if (simd) {
      this.bytes.push(SIMD_PREFIX);
      unsignedLeb(opcode, this.bytes);
    } else {
      this.bytes.push(opcode);
    }
    unsignedLeb(align, this.bytes);
    unsignedLeb(offset, this.bytes);
    return this;
  }

  private simd(opcode: number): this {
    this.bytes.push(SIMD_PREFIX);
    unsignedLeb(opcode, this.bytes);
    return this;
  }

  // Control. Blocks take no parameters and yield nothing (block type 0x40); `body` emits the inside.
  block(body: () => void): this {
    this.op(0x02, 0x40);
    body();
    return this.op(0x0b);
  }
  loop(body: () => void): this {
    this.op(0x03, 0x40);
    body();
    return this.op(0x0b);
  }
  /** Pops an i32 condition; runs `body` when it is non-zero. */
  if(body: () => void): this {
    this.op(0x04, 0x40);
    body();
    return this.op(0x0b);
  }
  /** Branch to the `depth`-th enclosing block (0 = innermost): its end, or a loop's start. */
  br(depth: number): this {
    return this.index(0x0c, depth);
  }
  brIf(depth: number): this {
    return this.index(0x0d, depth);
  }
  /** Pops a, b, condition; pushes a if the condition is non-zero, else b. */
  select(): this {
    return this.op(0x1b);
  }

  // Variables.
  localGet(i: number): this {
    return this.index(0x20, i);
  }
  localSet(i: number): this {
    return this.index(0x21, i);
  }
  localTee(i: number): this {
    return this.index(0x22, i);
  }

  // Memory; `offset` is a constant byte offset added to the address operand.
  i32Load(offset = 0): this {
    return this.memory(0x28, ALIGN_I32, offset);
  }
  i32Load8U(offset = 0): this {
    return this.memory(0x2d, ALIGN_U8, offset);
  }
  i32Store(offset = 0): this {
    return this.memory(0x36, ALIGN_I32, offset);
  }
  f64Load(offset = 0): this {
    return this.memory(0x2b, ALIGN_F64, offset);
  }
  f64Store(offset = 0): this {
    return this.memory(0x39, ALIGN_F64, offset);
  }
  i64Load(offset = 0): this {
    return this.memory(0x29, ALIGN_I64, offset);
  }
  i64Store(offset = 0): this {
    return this.memory(0x37, ALIGN_I64, offset);
  }
  v128Load(offset = 0): this {
    return this.memory(0x00, ALIGN_V128, offset, true);
  }
  v128Store(offset = 0): this {
    return this.memory(0x0b, ALIGN_V128, offset, true);
  }

  // Integers.
  i32Const(v: number): this {
    this.bytes.push(0x41);
    signedLeb(v, this.bytes);
    return this;
  }
  i32Eqz(): this {
    return this.op(0x45);
  }
  i32LtU(): this {
    return this.op(0x49);
  }
  i32LeU(): this {
    return this.op(0x4d);
  }
  i32GeU(): this {
    return this.op(0x4f);
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Or(): this {
    return this.op(0x72);
  }
  i32Xor(): this {
    return this.op(0x73);
  }
  i32And(): this {
    return this.op(0x71);
  }
  i32Shl(): this {
    return this.op(0x74);
  }
  i32ShrU(): this {
    return this.op(0x76);
  }

  // 64-bit integers (shift counts are i64 too).
  i64Const(v: number): this {
    this.bytes.push(0x42);
    signedLeb(v, this.bytes);
    return this;
  }
  i64Or(): this {
    return this.op(0x84);
  }
  i64Xor(): this {
    return this.op(0x85);
  }
  i64Shl(): this {
    return this.op(0x86);
  }
  i64ShrS(): this {
    return this.op(0x87);
  }
  i64ShrU(): this {
    return this.op(0x88);
  }
  i32WrapI64(): this {
    return this.op(0xa7);
  }
  i64ExtendI32U(): this {
    return this.op(0xad);
  }

  // Floats. f64 arithmetic is IEEE double as in JS; f32DemoteF64 rounds as Math.fround.
  /** f64.const 0 (+0). */
  f64Const0(): this {
    return this.op(0x44, 0, 0, 0, 0, 0, 0, 0, 0);
  }
  f64Eq(): this {
    return this.op(0x61);
  }
  f64Lt(): this {
    return this.op(0x63);
  }
  f64Gt(): this {
    return this.op(0x64);
  }
  f64Le(): this {
    return this.op(0x65);
  }
  f64Add(): this {
    return this.op(0xa0);
  }
  f64Sub(): this {
    return this.op(0xa1);
  }
  f64Mul(): this {
    return this.op(0xa2);
  }
  f64Div(): this {
    return this.op(0xa3);
  }
  f32DemoteF64(): this {
    return this.op(0xb6);
  }
  f64PromoteF32(): this {
    return this.op(0xbb);
  }

  // SIMD, two f64 lanes.
  v128Zero(): this {
    this.simd(0x0c);
    for (let i = 0; i < 16; i++) this.bytes.push(0);
    return this;
  }
  f64x2Add(): this {
    return this.simd(0xf0);
  }
  f64x2Sub(): this {
    return this.simd(0xf1);
  }

  // Used by the KNN and RandomForest kernels.
  call(func: number): this {
    return this.index(0x10, func);
  }
  /** `local += by` for an i32 local (four instructions, the commonest sequence in the kernels). */
  increment(i: number, by: number): this {
    return this.localGet(i).i32Const(by).i32Add().localSet(i);
  }
  /** Loads one f64 and splats it to both lanes. */
  v128Load64Splat(offset = 0): this {
    return this.memory(0x0a, ALIGN_F64, offset, true);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32Eq(): this {
    return this.op(0x46);
  }
  v128Or(): this {
    return this.simd(0x50);
  }
  v128AnyTrue(): this {
    return this.simd(0x53);
  }
  f64x2Lt(): this {
    return this.simd(0x49);
  }
  f64x2Mul(): this {
    return this.simd(0xf2);
  }
}

export interface FunctionDef {
  readonly name: string;
  readonly params: readonly ValueType[];
  /** What the body leaves on the stack (none if omitted). */
  readonly results?: readonly ValueType[];
  readonly code: Code;
}

function section(id: number, content: number[], out: number[]): void {
  out.push(id);
  unsignedLeb(content.length, out);
  append(out, content);
}

function name(text: string, out: number[]): void {
  const bytes = new TextEncoder().encode(text);
  unsignedLeb(bytes.length, out);
  append(out, Array.from(bytes));
}

/**
 * A module of `functions` (function i has index i, for `call`), importing a memory of at least `minPages`
 * 64 KiB pages as `env.memory`, exporting each function under its name.
 */
export function encodeModule(functions: readonly FunctionDef[], minPages = 0): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  unsignedLeb(functions.length, types);
  for (const f of functions) {
    types.push(0x60);
    unsignedLeb(f.params.length, types);
    append(types, f.params);
    const results = f.results ?? [];
    unsignedLeb(results.length, types);
    append(types, results);
  }
  section(1, types, out);
  const imports: number[] = [0x01];
  name('env', imports);
  name('memory', imports);
  imports.push(0x02, 0x00);
  unsignedLeb(minPages, imports);
  section(2, imports, out);
  const funcs: number[] = [];
  unsignedLeb(functions.length, funcs);
  for (let i = 0; i < functions.length; i++) unsignedLeb(i, funcs);
  section(3, funcs, out);
  const exports: number[] = [];
  unsignedLeb(functions.length, exports);
  functions.forEach((f, i) => {
    name(f.name, exports);
    exports.push(0x00);
    unsignedLeb(i, exports);
  });
  section(7, exports, out);
  const code: number[] = [];
  unsignedLeb(functions.length, code);
  for (const f of functions) append(code, f.code.encode());
  section(10, code, out);
  return Uint8Array.from(out);
}
