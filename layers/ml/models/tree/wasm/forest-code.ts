import { Code, I32 } from '../../../wasm/encoder.ts';
import { type HeaderField, headerOffset, SLOTS_AT } from './forest-header.ts';

/**
 * The shared function-body encoder (layers/ml/wasm/encoder.ts) plus the instructions and idioms only the
 * forest kernels need. Each method appends instructions and returns `this`, so a body reads like the
 * WAT it stands for.
 */
export class ForestCode extends Code {
  private emit(...bytes: number[]): this {
    for (const b of bytes) this.bytes.push(b);
    return this;
  }

  /** Converts a signed i32 to f64 (the cheapest way to push 0.0: `i32.const 0` first). */
  f64ConvertI32S(): this {
    return this.emit(0xb7);
  }
  i32LtS(): this {
    return this.emit(0x48);
  }
  i32GtS(): this {
    return this.emit(0x4a);
  }
  i32GeS(): this {
    return this.emit(0x4e);
  }
  i32ShrS(): this {
    return this.emit(0x75);
  }

  /** Pops an i32 condition; runs `then` when it is non-zero, else `otherwise`. */
  ifElse(then: () => void, otherwise: () => void): this {
    this.emit(0x04, 0x40);
    then();
    this.emit(0x05);
    otherwise();
    return this.emit(0x0b);
  }

  /** `for (i = 0; i < limit; i++) body()` over i32 locals. */
  forUpTo(i: number, limit: number, body: () => void): this {
    this.i32Const(0).localSet(i);
    return this.block(() => {
      this.loop(() => {
        this.localGet(i).localGet(limit).i32GeS().brIf(1);
        body();
        this.increment(i, 1);
        this.br(0);
      });
    });
  }

  /** A new i32 local holding a header field. */
  field(name: HeaderField): number {
    const local = this.local(I32);
    this.i32Const(0).i32Load(headerOffset(name)).localSet(local);
    return local;
  }

  /** Pushes the byte address of element `index` (on the stack) of an array of 2^sizeBits-byte items at local `base`. */
  address(base: number, sizeBits: number): this {
    return this.i32Const(sizeBits).i32Shl().localGet(base).i32Add();
  }

  /** Pushes the int32 at element `index` (on the stack) of the int32 array at local `base`. */
  element(base: number): this {
    return this.address(base, 2).i32Load(0);
  }

  /** Pushes the code of the node in slot local `node` (slots are 8 bytes from SLOTS_AT). */
  nodeCode(node: number): this {
    return this.localGet(node).i32Const(3).i32Shl().i32Load(SLOTS_AT);
  }

  /** Pushes the child (the left child's slot) of the node in slot local `node`. */
  nodeChild(node: number): this {
    return this.localGet(node)
      .i32Const(3)
      .i32Shl()
      .i32Load(SLOTS_AT + 4);
  }
}
