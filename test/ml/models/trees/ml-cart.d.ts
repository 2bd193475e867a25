// ml-cart ships no type declarations; just what the oracle tests use.
declare module 'ml-cart' {
  export interface DecisionTreeClassifierOptions {
    gainFunction?: 'gini';
    maxDepth?: number;
    minNumSamples?: number;
  }
  export class DecisionTreeClassifier {
    constructor(options?: DecisionTreeClassifierOptions);
    train(trainingSet: number[][], labels: number[]): void;
    predict(toPredict: number[][]): number[];
  }
}
