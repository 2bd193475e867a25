/**
 * aws-local-stepfunctions 3 calls Promise.withResolvers (Node 22+) in every Task state; Node 20 lacks it.
 * Imported before the library by every module here that runs state machines.
 */
interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type PromiseConstructorWithResolvers = PromiseConstructor & { withResolvers?: <T>() => Resolvers<T> };

const promiseConstructor = Promise as PromiseConstructorWithResolvers;

if (typeof promiseConstructor.withResolvers !== 'function') {
  promiseConstructor.withResolvers = <T>(): Resolvers<T> => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    return { promise, resolve, reject };
  };
}
