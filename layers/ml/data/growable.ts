/**
 * Typed arrays that grow while a CSV streams in, so a column costs 8 (or 4) bytes per row instead of a
 * JavaScript string or boxed value per cell.
 */
const INITIAL_CAPACITY = 1024;

export class GrowableFloat64Array {
  private data = new Float64Array(INITIAL_CAPACITY);
  length = 0;

  push(x: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = x;
  }

  /** The filled part (a view; valid until the next push). */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export class GrowableInt32Array {
  private data = new Int32Array(INITIAL_CAPACITY);
  length = 0;

  push(x: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = x;
  }

  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}
