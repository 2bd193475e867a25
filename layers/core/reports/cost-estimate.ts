/**
 * What a run would cost on AWS, estimated from what it recorded: Lambda compute (GB-seconds) and requests,
 * and Step Functions Standard state transitions, at us-east-1 list prices. An estimate, and the page says
 * so with its assumptions: durations are the use cases' own measurements (a cell's fit time, a stage's
 * time), not billed durations, which also include start-up, downloads and the rounding to 1 ms.
 */

/** Lambda functions the training state machine invokes, by their serverless.yml key. */
export const PIPELINE_FUNCTIONS = [
  'prep',
  'plan',
  'train',
  'selectBest',
  'evaluate',
  'register',
  'promote',
  'finishRun',
] as const;
export type PipelineFunction = (typeof PIPELINE_FUNCTIONS)[number];

/** Each pipeline function's configured memory in MB (serverless.yml `memorySize`). */
export type FunctionMemory = Readonly<Record<PipelineFunction, number>>;

export interface PriceList {
  /** Lambda on arm64 (Graviton), first pricing tier, per GB-second. */
  readonly lambdaGbSecond: number;
  readonly lambdaRequest: number;
  /** Step Functions Standard workflows, per state transition. */
  readonly stateTransition: number;
  readonly source: string;
}

export const LIST_PRICES: PriceList = {
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1_000_000,
  stateTransition: 0.025 / 1000,
  source:
    'AWS list prices, us-east-1: Lambda arm64 $0.0000133334 per GB-s and $0.20 per 1M requests; Step Functions Standard $0.025 per 1,000 state transitions',
};

/**
 * State transitions of the training state machine (state-machines/training.asl.yml), one per state
 * entered: Start, Prep, Plan, Cells, SelectBest, Refits, Evaluate, Register, ShouldPromote and Finish on
 * every successful run, Promote when the gate said promote; one TrainCell per CV cell (each a Standard
 * child execution of the Distributed Map) and one Refit per refitted model (inline Map).
 */
export const TRANSITIONS = { fixed: 10, promote: 1, perCell: 1, perRefit: 1 } as const;

/** Run stages whose `timings` entry is one invocation of a function (the cells and refits are counted apart). */
export const STAGE_FUNCTIONS: Readonly<Record<string, PipelineFunction>> = {
  prep: 'prep',
  plan: 'plan',
  select: 'selectBest',
  evaluate: 'evaluate',
  register: 'register',
  promote: 'promote',
};

export interface CostInput {
  readonly memoryMb: FunctionMemory;
  /** Fit time of every CV cell, ms. */
  readonly cellFitMs: readonly number[];
  /** Fit time of every refit, ms. */
  readonly refitMs: readonly number[];
  /** The run's `timings` (stage → ms). */
  readonly stageMs: Readonly<Record<string, number>>;
  /** Whether the Promote state ran. */
  readonly promoteRan: boolean;
  readonly prices?: PriceList;
}

export interface CostLine {
  readonly label: string;
  readonly function: PipelineFunction;
  readonly invocations: number;
  readonly seconds: number;
  readonly memoryMb: number;
  readonly gbSeconds: number;
  readonly dollars: number;
}

export interface CostEstimate {
  readonly lines: readonly CostLine[];
  readonly gbSeconds: number;
  readonly requests: number;
  readonly computeDollars: number;
  readonly requestDollars: number;
  readonly transitions: number;
  readonly transitionDollars: number;
  readonly totalDollars: number;
  readonly prices: PriceList;
  readonly assumptions: readonly string[];
}

export function estimateRunCost(input: CostInput): CostEstimate {
  const prices = input.prices ?? LIST_PRICES;
  const line = (label: string, fn: PipelineFunction, invocations: number, ms: number): CostLine => {
    const seconds = ms / 1000;
    const memoryMb = input.memoryMb[fn];
    const gbSeconds = seconds * (memoryMb / 1024);
    return {
      label,
      function: fn,
      invocations,
      seconds,
      memoryMb,
      gbSeconds,
      dollars: gbSeconds * prices.lambdaGbSecond,
    };
  };
  const sum = (values: readonly number[]): number => values.reduce((total, v) => total + v, 0);
  const lines: CostLine[] = [
    line('CV cells', 'train', input.cellFitMs.length, sum(input.cellFitMs)),
    line('Refits', 'train', input.refitMs.length, sum(input.refitMs)),
  ];
  for (const [stage, fn] of Object.entries(STAGE_FUNCTIONS)) {
    const ms = input.stageMs[stage];
    if (ms !== undefined) lines.push(line(`Stage ${stage}`, fn, 1, ms));
  }
  lines.push(line('Finish', 'finishRun', 1, 0));
  const gbSeconds = sum(lines.map((l) => l.gbSeconds));
  const requests = sum(lines.map((l) => l.invocations));
  const transitions =
    TRANSITIONS.fixed +
    (input.promoteRan ? TRANSITIONS.promote : 0) +
    TRANSITIONS.perCell * input.cellFitMs.length +
    TRANSITIONS.perRefit * input.refitMs.length;
  const computeDollars = gbSeconds * prices.lambdaGbSecond;
  const requestDollars = requests * prices.lambdaRequest;
  const transitionDollars = transitions * prices.stateTransition;
  return {
    lines,
    gbSeconds,
    requests,
    computeDollars,
    requestDollars,
    transitions,
    transitionDollars,
    totalDollars: computeDollars + requestDollars + transitionDollars,
    prices,
    assumptions: [
      prices.source,
      'Compute time is what the run measured: each cell’s and refit’s fit time, and each stage’s time from the runs table. Billed durations are longer (cold starts, dataset downloads, rounding up to the millisecond), so this is a lower bound on compute.',
      'The Finish task’s own duration is not known while it writes this report: counted as a request, not as compute.',
      `State transitions: ${TRANSITIONS.fixed} per run (Start, Prep, Plan, Cells, SelectBest, Refits, Evaluate, Register, ShouldPromote, Finish), 1 for Promote when it ran, 1 per CV cell and 1 per refit; retries are not counted.`,
      'Not included: S3 requests and storage, DynamoDB reads and writes, CloudWatch logs and metrics, data transfer, and the free tier.',
    ],
  };
}
