/**
 * Metric history from CloudWatch's GetMetricData: queries that share a time range go in one call, at most
 * 500 per call (the API's limit); a call's answer may be split over pages (NextToken), a query's points
 * over several of them, so each query's points are gathered across pages and sorted oldest first. The
 * answer is in the order of the queries. The SDK's commands are imported on first use (sdk.ts).
 */
import type {
  GetMetricDataCommand,
  GetMetricDataCommandOutput,
  MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { SynergyError } from '../core/errors.ts';
import type { MetricHistory, MetricQuery, MetricSeries } from '../core/reports/model-page/metric-history.ts';
import { awsErrorName } from './aws-errors.ts';
import { cloudWatchSdk } from './sdk.ts';

/** The part of CloudWatchClient used here (a CloudWatchClient is one), so tests can pass a `{ send }`. */
export interface MetricDataSender {
  send(
    command: GetMetricDataCommand,
    options?: { abortSignal?: AbortSignal },
  ): Promise<GetMetricDataCommandOutput>;
}

/** GetMetricData failed or refused a query; names the metrics involved. */
export class CloudWatchMetricHistoryError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'CloudWatchMetricHistoryError';
  }
}

/** GetMetricData accepts at most 500 queries per call. */
export const QUERIES_PER_CALL = 500;

/** `Metric{dim=value,…}`, for messages. */
function describeQuery(query: MetricQuery): string {
  const dimensions = Object.entries(query.dimensions)
    .map(([name, value]) => `${name}=${value}`)
    .join(',');
  return `${query.metricName}{${dimensions}} ${query.stat}/${query.periodSeconds}s`;
}

function describeFailure(error: unknown): string {
  return error instanceof Error ? `${awsErrorName(error)}: ${error.message}` : String(error);
}

function toQuery(query: MetricQuery, id: string): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: query.namespace,
        MetricName: query.metricName,
        // Sorted, so the same query always sends the same request.
        Dimensions: Object.entries(query.dimensions)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([Name, Value]) => ({ Name, Value })),
      },
      Period: query.periodSeconds,
      Stat: query.stat,
    },
    ReturnData: true,
  };
}

/** The queries' indexes grouped by time range (one GetMetricData call has one StartTime/EndTime). */
function byRange(queries: readonly MetricQuery[]): number[][] {
  const groups = new Map<string, number[]>();
  queries.forEach((query, index) => {
    const key = `${query.from.getTime()}/${query.to.getTime()}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [index]);
    else group.push(index);
  });
  return [...groups.values()];
}

interface Points {
  readonly timestamps: Date[];
  readonly values: number[];
}

export class CloudWatchMetricHistory implements MetricHistory {
  constructor(private readonly client: MetricDataSender) {}

  async series(queries: readonly MetricQuery[], signal?: AbortSignal): Promise<MetricSeries[]> {
    if (queries.length === 0) return [];
    const { GetMetricDataCommand } = await cloudWatchSdk();
    const points: Points[] = queries.map(() => ({ timestamps: [], values: [] }));
    for (const group of byRange(queries)) {
      for (let start = 0; start < group.length; start += QUERIES_PER_CALL) {
        const chunk = group.slice(start, start + QUERIES_PER_CALL);
        // Ids must start with a lower-case letter; the position in the chunk maps an answer back.
        const indexById = new Map(chunk.map((index, position) => [`q${position}`, index]));
        const { from, to } = queries[chunk[0]];
        let nextToken: string | undefined;
        do {
          const command = new GetMetricDataCommand({
            MetricDataQueries: chunk.map((index, position) => toQuery(queries[index], `q${position}`)),
            StartTime: from,
            EndTime: to,
            ScanBy: 'TimestampAscending',
            ...(nextToken === undefined ? {} : { NextToken: nextToken }),
          });
          let page: GetMetricDataCommandOutput;
          try {
            page = await this.client.send(
              command,
              signal === undefined ? undefined : { abortSignal: signal },
            );
          } catch (error) {
            throw new CloudWatchMetricHistoryError(
              `GetMetricData failed: ${describeFailure(error)}`,
              { metrics: chunk.map((index) => describeQuery(queries[index])), awsError: awsErrorName(error) },
              { cause: error },
            );
          }
          for (const result of page.MetricDataResults ?? []) {
            const index = result.Id === undefined ? undefined : indexById.get(result.Id);
            if (index === undefined) {
              throw new CloudWatchMetricHistoryError(
                `GetMetricData answered for a query it was not asked (${result.Id ?? 'no id'})`,
                { id: result.Id },
              );
            }
            if (result.StatusCode === 'Forbidden' || result.StatusCode === 'InternalError') {
              const messages = (result.Messages ?? []).map((m) => `${m.Code ?? ''} ${m.Value ?? ''}`.trim());
              throw new CloudWatchMetricHistoryError(
                `GetMetricData could not read ${describeQuery(queries[index])}: ${result.StatusCode}${messages.length ? ` (${messages.join('; ')})` : ''}`,
                { metric: describeQuery(queries[index]), status: result.StatusCode },
              );
            }
            const timestamps = result.Timestamps ?? [];
            const values = result.Values ?? [];
            if (timestamps.length !== values.length) {
              throw new CloudWatchMetricHistoryError(
                `GetMetricData answered ${timestamps.length} timestamps but ${values.length} values for ${describeQuery(queries[index])}`,
                { metric: describeQuery(queries[index]) },
              );
            }
            points[index].timestamps.push(...timestamps);
            points[index].values.push(...values);
          }
          nextToken = page.NextToken;
        } while (nextToken !== undefined && nextToken !== '');
      }
    }
    return points.map(sortedByTime);
  }
}

/** Oldest first, whatever order the pages came in. */
function sortedByTime(points: Points): MetricSeries {
  const order = points.timestamps.map((_, i) => i);
  order.sort((a, b) => points.timestamps[a].getTime() - points.timestamps[b].getTime());
  return {
    timestamps: order.map((i) => points.timestamps[i]),
    values: order.map((i) => points.values[i]),
  };
}
