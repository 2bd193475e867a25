/**
 * One Powertools Logger and one Metrics per container. They read POWERTOOLS_SERVICE_NAME and
 * POWERTOOLS_METRICS_NAMESPACE themselves; nothing here talks to AWS (metrics leave as EMF lines on stdout).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = new Logger();
export const metrics = new Metrics();
