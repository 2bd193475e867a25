/**
 * The two CommonJS files of libsvm-js 0.2.1 that Synergy uses. The package ships no types and its main
 * entry (`wasm.js`) hides the emscripten module, whose heap we need to read the trained model exactly and
 * to seed libsvm's rand(); so we import the module and the SVM class factory separately.
 */
declare module 'libsvm-js/out/wasm/libsvm.js' {
  export interface LibsvmWasmModule {
    /** Resolves once the wasm binary is instantiated. */
    load(): Promise<void>;
    /** Views over the wasm heap; replaced when the heap grows, so never cache them across calls. */
    readonly HEAPU8: Uint8Array;
    readonly HEAP32: Int32Array;
    readonly HEAPF64: Float64Array;
    readonly STATIC_BASE: number;
    _malloc(size: number): number;
    _free(ptr: number): void;
    readonly STATIC_BUMP: number;
  }
  const libsvmWasmModule: LibsvmWasmModule;
  export default libsvmWasmModule;
}

declare module 'libsvm-js/src/loadSVM.js' {
  import type { LibsvmWasmModule } from 'libsvm-js/out/wasm/libsvm.js';

  export interface LibsvmOptions {
    type?: string;
    kernel?: string;
    degree?: number;
    gamma?: number;
    coef0?: number;
    cost?: number;
    cacheSize?: number;
    tolerance?: number;
    shrinking?: boolean;
    probabilityEstimates?: boolean;
    quiet?: boolean;
  }

  export interface LibsvmSVM {
    /** Pointer to libsvm's `struct svm_model` in the wasm heap, or null before training / after free. */
    model: number | null;
    train(samples: ArrayLike<ArrayLike<number>>, labels: ArrayLike<number>): void;
    predictOne(sample: ArrayLike<number>): number;
    predictOneProbability(sample: ArrayLike<number>): {
      prediction: number;
      estimates: { label: number; probability: number }[];
    };
    serializeModel(): string;
    /** Frees the model and the training problem it points into. */
    free(): void;
  }

  export interface LibsvmSVMClass {
    new (options: LibsvmOptions): LibsvmSVM;
    /** Reads libsvm's model text format (svm_load_model); the instance can predict but not train. */
    load(serializedModel: string): LibsvmSVM;
    readonly SVM_TYPES: { readonly C_SVC: string };
    readonly KERNEL_TYPES: {
      readonly LINEAR: string;
      readonly POLYNOMIAL: string;
      readonly RBF: string;
      readonly SIGMOID: string;
    };
  }

  export default function loadSVM(module: LibsvmWasmModule): LibsvmSVMClass;
}
