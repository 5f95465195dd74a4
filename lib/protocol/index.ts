/**
 * The MSB websocket wire protocol: pure functions on strings, no sockets. Shared by the client
 * runtime and the local broker.
 */
export { ProtocolError, excerptOf, isPlainObject } from './errors';
export { DEFAULT_MAX_JSON_DEPTH, jsonDepthExceeds } from './json';
export { Status, StatusCode, isStatus } from './status';
export { PRIORITY_NAMES, PriorityName, priorityOfName } from './priority';
export {
  EventMessage,
  FunctionCallMessage,
  ConfigurationMessage,
  RegistrationBody,
  ClientMessage,
  ServerMessage,
  ParseOptions,
  PING,
  PONG,
  encodeRegistration,
  encodeEvent,
  eventEncoder,
  EventEncoder,
  encodeCall,
  encodeConfiguration,
  parseClientMessage,
  parseServerMessage,
} from './messages';
export {
  ServerFrame,
  OPEN_FRAME,
  HEARTBEAT_FRAME,
  encodeClientFrame,
  encodeServerFrame,
  closeFrame,
  decodeServerFrame,
  decodeClientFrame,
  normalizeMsbUrl,
  sockJsUrl,
  rawUrl,
} from './frames';
