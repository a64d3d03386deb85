import type { SocketAddress } from '../types.js';
import { isIpLiteral } from './address-syntax.js';
import { describeValue } from './describe-value.js';
import { BOOTSTRAP_SCHEMAS } from './field-schemas.js';
import { joinPath, reportIssue, type ReadContext } from './read-context.js';
import {
  readChildMapping,
  readEnum,
  readInteger,
  readMapping,
  readString,
  type Mapping,
} from './read-fields.js';

/** A socket address as written, with the path of its `address` field for later checks. */
export interface AddressAtPath extends SocketAddress {
  readonly addressPath: string;
}

const MAX_PORT = 65_535;

/**
 * Reads an Envoy `Address` (`{socket_address: {address, port_value}}`) at a path; `minPort` is 0 for
 * listeners (0 picks a free port) and 1 for upstream endpoints.
 */
export function readAddressValue(
  value: unknown,
  path: string,
  context: ReadContext,
  minPort: 0 | 1,
): AddressAtPath | undefined {
  const address = readMapping(value, path, context, BOOTSTRAP_SCHEMAS.address);
  if (address === undefined) return undefined;
  const socket = readChildMapping(address, 'socket_address', context, BOOTSTRAP_SCHEMAS.socketAddress, {
    isRequired: true,
  });
  if (socket === undefined) return undefined;
  const host = readString(socket, 'address', context, { isRequired: true });
  const portValue = readInteger(socket, 'port_value', context, {
    isRequired: true,
    min: minPort,
    max: MAX_PORT,
  });
  readEnum(socket, 'protocol', context, ['TCP'] as const);
  if (host === undefined || portValue === undefined) return undefined;
  return { address: host, portValue, addressPath: joinPath(socket.path, 'address') };
}

/** Reads the required address a listener or the admin server binds to, which must be an IP. */
export function readBindAddress(
  mapping: Mapping,
  key: string,
  context: ReadContext,
): SocketAddress | undefined {
  const path = joinPath(mapping.path, key);
  if (mapping.fields[key] === undefined) {
    reportIssue(context, path, 'is required; must be {socket_address: {address: <IP>, port_value: <port>}}');
    return undefined;
  }
  const read = readAddressValue(mapping.fields[key], path, context, 0);
  if (read === undefined) return undefined;
  if (!isIpLiteral(read.address)) {
    const message = `must be an IP address to listen on, such as 0.0.0.0, 127.0.0.1 or ::, got ${describeValue(read.address)}`;
    reportIssue(context, read.addressPath, message);
    return undefined;
  }
  return { address: read.address, portValue: read.portValue };
}
