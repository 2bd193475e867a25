import { exitCodeFor, UsageError } from './errors.ts';

const USAGE = `Usage: synergy <command> [options]

Commands:
  train <csv>   Run the paper's pipeline in-process (no AWS): prepare, grid search every model with
                5-fold CV, refit, score the test split, print the leaderboard and the best model.
      --target <col>      target column (default: the last column)
      --models A,B        models to train (default: all): LogisticRegression, DecisionTree,
                          RandomForest, SVC, KNN, GradientBoosting, AdaBoost, XGBoost, MLP
      --config <file>     JSON: {"models":[…],"grids":{"Model":{"param":[…]}},"folds":5,"seed":42,"testSize":0.2}
      --seed <n>          random seed (default 42)
      --test-size <f>     test fraction (default 0.2)
      --folds <k>         CV folds (default 5)
      --workers <n>       worker threads for the CV cells (default: the number of CPUs; 1 = this thread,
                          no pool). Results are identical for any n.
      --search <s>        grid (default): every combination; random: --trials seeded draws from the
                          grid's value lists, without replacement
      --trials <n>        configurations per model for --search random (default 10)
      --early-stop <r>    none | median. median: after 2 folds, a configuration whose running CV mean is
                          below the median of the completed configurations' at the same fold count stops
                          (reported as stopped, never chosen). Saves time but can pick different params
                          than exhaustive search. Default: none for grid, median for random search.
      --out <file>        write the best model artifact (model + preprocessor) as JSON
      --json              print exactly one JSON object on stdout

  dev           Start the embedded local AWS (S3, DynamoDB, Step Functions, CloudWatch, EventBridge, the
                Lambda handlers and the HTTP API) from serverless.yml and keep it running; writes
                .synergy/endpoints.json
      --speed <n>         run the alarm and schedule clock n times faster than real time (demos)
  run <csv>     Upload a CSV into the stack (the running \`synergy dev\`, or one started for the
                command), follow the serverless run, print the leaderboard and the registry moves
      --target <col>      target column (sent as the object's \`target\` metadata)
      --dataset <name>    dataset = model name (default: the file name); key incoming/<name>/<file>
      --config <file>     JSON uploaded as incoming/<name>/_config.json first: models, grids, folds,
                          seed, testSize, target, search, trials, promotionMargin, oversizedCells
      --json              one JSON object: the train --json fields plus runId, status, modelName,
                          modelVersion, promoted
  runs          Recent runs, newest first (--json)
  report <runId>  Render the run's report (charts, leaderboard, cost estimate, lineage) to
                <dir>/<runId>/index.html and print its absolute path
      --out <dir>         default .synergy/reports
      --json              {"path": …}
  model-page <model>  Render the model's page (versions and aliases over time, live accuracy, max PSI and
                PSI per feature from CloudWatch, the alarms now) to <dir>/models/<model>/index.html and
                print its absolute path
      --out <dir>         default .synergy/reports (next to the run reports it links to)
      --hours <n>         how far back the metric charts go (default 336 = 14 days)
      --period <s>        seconds per point (default: the alarm period; widened to keep ≤ 1440 points)
      --json              {"path","model","champion","challenger","versions","aliasMoves","alarms","range","points"}
  models [name] Registered models and aliases; with a name, its versions and audit trail (--json)
  keys create --name <label>   Create an API key for the prediction endpoint; prints it once (--json)
  keys list                    API keys: id, name, created, revoked (--json)
  keys revoke <keyId>          Revoke a key (API Gateway may honour its cached answer for up to 60 s)
  predict <model>  Score rows through the HTTP API (the stack's, or --url's) and print the predictions
      --rows <file.json>  an array of records ({"col": value}) or {"rows": [...]}
      --csv <file.csv>    a header row and rows
      --alias <a>         champion or challenger (default: the model's routing, champion 100)
      --version <n>       a registered version instead of an alias
      --protocol <p>      native (default), mlflow (/invocations) or v2 (Open Inference Protocol)
      --url <url>         a deployed API (with --key or SYNERGY_API_KEY); default: the local stack, with
                          a key the CLI creates once (named synergy-cli, kept in .synergy/cli-api-key)
      --json              print the response body as the endpoint sent it
  route <model>    Show or change how requests without a version or alias are split
      --canary <pct>      send pct % to the challenger, the rest to the champion
      --shadow            the challenger also scores every request; its answer is logged, never returned
      --no-shadow         stop shadowing
      --reset             everything to the champion, no shadow
  monitor <model>  Run the drift monitor now: the last window of captured traffic against the champion's
                baseline (PSI, KS, L∞, JS per feature; data-quality violations), metrics to CloudWatch,
                then each alarm's state (--json: {"model","maxPsi","features":[…],"alarms":[…],…})
  promote <model> <version>   Make a version the champion by hand (audited; --reason <text>, --json)
  rollback <model>            Champion back to the version it replaced (audited; --reason, --json)

  demo          The whole loop in one command (npm run demo), on a fresh embedded stack of its own
                (state in <dir>/stack, free ports; a running \`synergy dev\` is not touched): generate
                construction-schedule data, train through the serverless pipeline (the paper's grid),
                predict via native, MLflow and V2, send normal then drifted traffic, run the monitor,
                watch the drift alarm start a retraining and the promotion gate decide, roll back, and
                summarize with the reports' paths. About 1-2 minutes on 2 cores.
      --rows <n>          activities to generate (default 2000, 200-100000)
      --seed <n>          generator seed (default 11)
      --config <file>     a _config.json for the runs (default: none, the paper's grid), e.g. fewer models
      --dir <dir>         the CSV and the stack's state (default .synergy/demo; <dir>/stack is emptied
                          by each demo)
      --out <dir>         where the run reports are saved (default .synergy/reports)
      --json              one JSON object: runs (trigger, result, gate reason, report), predictions,
                          monitoring, alarms, rollback, champion history, versions, step timings

Exit codes: 0 ok, 2 bad input (the message names the row/column/field), 1 unexpected failure.`;

// Commands are imported when called: `train` should not pay for loading the AWS SDK and the local stack.
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  switch (command) {
    case 'train':
      return (await import('./commands/train.ts')).runTrain(rest);
    case 'demo':
      return (await import('./commands/demo.ts')).runDemo(rest);
    case 'dev':
      return (await import('./commands/dev.ts')).runDev(rest);
    case 'run':
      return (await import('./commands/run.ts')).runRun(rest);
    case 'runs':
      return (await import('./commands/runs.ts')).runRuns(rest);
    case 'models':
      return (await import('./commands/models.ts')).runModels(rest);
    case 'keys':
      return (await import('./commands/keys.ts')).runKeys(rest);
    case 'predict':
      return (await import('./commands/predict.ts')).runPredict(rest);
    case 'route':
      return (await import('./commands/route.ts')).runRoute(rest);
    case 'report':
      return (await import('./commands/report.ts')).runReport(rest);
    case 'model-page':
      return (await import('./commands/model-page.ts')).runModelPage(rest);
    case 'monitor':
      return (await import('./commands/monitor.ts')).runMonitor(rest);
    case 'promote':
      return (await import('./commands/promote.ts')).runPromote(rest);
    case 'rollback':
      return (await import('./commands/rollback.ts')).runRollback(rest);
    default:
      throw new UsageError(`unknown command "${command}" (try: synergy --help)`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const code = exitCodeFor(error);
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`synergy: ${message}\n`);
  if (code === 1 && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = code;
}
