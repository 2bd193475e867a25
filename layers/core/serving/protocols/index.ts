/** The endpoint's protocols by name. */
import { mlflowProtocol } from './mlflow.ts';
import { nativeProtocol } from './native.ts';
import type { ProtocolName, ServingProtocol } from './protocol.ts';
import { v2Protocol } from './v2.ts';

export type { ParsedRequest, ProtocolName, ServingProtocol } from './protocol.ts';

export const PROTOCOLS: Readonly<Record<ProtocolName, ServingProtocol>> = {
  native: nativeProtocol,
  mlflow: mlflowProtocol,
  v2: v2Protocol,
};
