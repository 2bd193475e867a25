/**
 * A minimal WebAssembly binary encoder: just enough of the format (MVP + the fixed-width SIMD
 * proposal, both in Node ≥ 16 without flags) to emit the neighbour-search kernels from TypeScript, since
 * the project has no WAT toolchain. References: the core spec's binary format
 * (https://webassembly.github.io/spec/core/binary/) and its SIMD instruction table (prefix 0xFD,
 * opcode as unsigned LEB128).
 *
 * `Code` emits one function body as a stack-machine instruction stream; each method appends one
 * instruction (named as in the text format, `f64x2Add` for `f64x2.add`) and returns `this`, so a body
 * reads top to bottom like the WAT it stands for. `encodeModule` wraps bodies into a module that imports
 * its memory from `env.memory` and exports every function by name.
 */

export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F64 | typeof V128;

const SIMD_PREFIX = 0xfd;
/** log2 of the natural alignment, the first field of a memory immediate (a hint; misalignment is legal). */
const ALIGN_I32 = 2;
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

  constructor(private readonly paramCount: number) {}

  /** Declares a new local and returns its index. */
  local(type: ValueType): number {
    this.localTypes.push(type);
    return this.paramCount + this.localTypes.length - 1;
  }

  /** The encoded body: local declarations (run-length grouped), instructions, `end`. */
  encode(): number[] {
    const groups: Array<[number, ValueType]> = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body: number[] = [];
    unsignedLeb(groups.length, body);
    for (const [count, type] of groups) {
      unsignedLeb(count, body);
      body.push(type);
    }
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
  call(func: number): this {
    return this.index(0x10, func);
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
  /** `local += by` for an i32 local (four instructions, the commonest sequence in the kernels). */
  increment(i: number, by: number): this {
    return this.localGet(i).i32Const(by).i32Add().localSet(i);
  }

  // Memory; `offset` is a constant byte offset added to the address operand.
  i32Load(offset = 0): this {
    return this.memory(0x28, ALIGN_I32, offset);
  }
  f64Load(offset = 0): this {
    return this.memory(0x2b, ALIGN_F64, offset);
  }
  i32Store(offset = 0): this {
    return this.memory(0x36, ALIGN_I32, offset);
  }
  f64Store(offset = 0): this {
    return this.memory(0x39, ALIGN_F64, offset);
  }
  v128Load(offset = 0): this {
    return this.memory(0x00, ALIGN_V128, offset, true);
  }
  /** Loads one f64 and splats it to both lanes. */
  v128Load64Splat(offset = 0): this {
    return this.memory(0x0a, ALIGN_F64, offset, true);
  }
  v128Store(offset = 0): this {
    return this.memory(0x0b, ALIGN_V128, offset, true);
  }

  // Numbers.
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
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32Eq(): this {
    return this.op(0x46);
  }
  f64Lt(): this {
    return this.op(0x63);
  }
  f64Gt(): this {
    return this.op(0x64);
  }

  // SIMD, two f64 lanes.
  v128Zero(): this {
    this.simd(0x0c);
    for (let i = 0; i < 16; i++) this.bytes.push(0);
    return this;
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
  f64x2Add(): this {
    return this.simd(0xf0);
  }
  f64x2Sub(): this {
    return this.simd(0xf1);
  }
  f64x2Mul(): this {
    return this.simd(0xf2);
  }
}

export interface FunctionDef {
  readonly name: string;
  readonly params: readonly ValueType[];
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
  out.push(...bytes);
}

/**
 * A module of `functions` (no results; function i has index i, for `call`), importing a memory of at
 * least `minPages` 64 KiB pages as `env.memory`, exporting each function under its name.
 */
export function encodeModule(functions: readonly FunctionDef[], minPages: number): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  unsignedLeb(functions.length, types);
  for (const f of functions) {
    types.push(0x60);
    unsignedLeb(f.params.length, types);
    types.push(...f.params, 0x00);
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
