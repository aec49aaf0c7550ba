/**
 * Thrift over curl: `POST <path>/<method>` (multiplexed: `<path>/<Service>/<method>`)
 * with the simple JSON of the method's arguments struct, answered with the simple
 * JSON of its result struct. The call is translated into an ordinary request
 * message of the server's protocol and run through the same processor as binary
 * calls, so interceptors, metrics and the error policy are the same; the reply is
 * translated back. See docs/simple-json.md for the statuses and examples.
 */
import { AppErrorType, ProtocolError } from '../errors.js';
import type { HttpRoutes } from '../node/index.js';
import type { MessageProcessor } from '../processor/index.js';
import {
  decodeAppError,
  encodeMessage,
  isService,
  MessageType,
  serviceFunctions,
  simpleJsonProtocol,
  SimpleJsonReader,
  type FunctionDesc,
  type ServiceDesc,
} from '../protocol/index.js';

/** The answer to one JSON request. */
export interface JsonAnswer {
  readonly status: number;
  /** JSON text; empty for 204. */
  readonly body: string;
}

/** Answers one JSON request: the path below the service's path, the Content-Type header, the body. */
export type JsonRoute = (route: string, contentType: string | undefined, body: Uint8Array) => Promise<JsonAnswer>;

const utf8 = new TextDecoder();

function errorAnswer(status: number, type: number, message: string): JsonAnswer {
  return { status, body: JSON.stringify({ error: { type, message } }) };
}

/**
 * The JSON route of a server: `services` is the one service it serves, or the
 * multiplexed map (name → [service, handler]) it was created with.
 */
export function createJsonRoute(services: ServiceDesc | Readonly<Record<string, readonly [ServiceDesc, unknown]>>, processor: MessageProcessor, maxDepth?: number): JsonRoute {
  const multiplexed = !isService(services);
  /** `method` or `Service/method` → the function and the message name the processor expects. */
  const routes = new Map<string, { fn: FunctionDesc; name: string }>();
  if (isService(services)) {
    for (const fn of serviceFunctions(services).values()) routes.set(fn.name, { fn, name: fn.name });
  } else {
    for (const [service, [desc]] of Object.entries(services)) {
      for (const fn of serviceFunctions(desc).values()) routes.set(`${service}/${fn.name}`, { fn, name: `${service}:${fn.name}` });
    }
  }
  const protocol = processor.protocol;
  const writer = protocol.createWriter();
  const reader = protocol.createReader({ maxDepth });
  const jsonWriter = simpleJsonProtocol.createWriter();

  return async (route, contentType, body) => {
    const found = routes.get(route);
    if (found === undefined) {
      const what = multiplexed ? 'Service/method' : 'method';
      return errorAnswer(404, AppErrorType.UNKNOWN_METHOD, `no ${what} ${JSON.stringify(route)}`);
    }
    const mediaType = contentType?.split(';')[0].trim().toLowerCase();
    if (mediaType !== 'application/json') {
      return errorAnswer(415, AppErrorType.PROTOCOL_ERROR, 'send the arguments as Content-Type: application/json');
    }
    const { fn, name } = found;
    let args: unknown[];
    try {
      const r = new SimpleJsonReader({ maxDepth });
      // An empty body is a call without arguments.
      r.reset(body.byteLength === 0 ? '{}' : body);
      args = simpleJsonProtocol.codecs.argsCodec(fn.args).decode(r);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      return errorAnswer(400, AppErrorType.PROTOCOL_ERROR, e.message);
    }
    // Binary calls may leave arguments out (Apache's servers allow it); a hand-written body that does is a mistake, refused before the handler sees undefined.
    const missing = fn.args.fields.filter((f, i) => f.requiredness !== 'optional' && args[i] === undefined).map((f) => f.name);
    if (missing.length > 0) {
      const what = missing.length === 1 ? 'argument' : 'arguments';
      return errorAnswer(400, AppErrorType.PROTOCOL_ERROR, `missing ${what} ${missing.join(', ')}: the IDL declares ${missing.length === 1 ? 'it' : 'them'}, and only optional arguments may be left out`);
    }
    const type = fn.oneway ? MessageType.ONEWAY : MessageType.CALL;
    const request = encodeMessage(writer, name, type, 0, protocol.codecs.argsCodec(fn.args).encode, args);
    const reply = await processor.process(request);
    // A oneway call has no result: 204, once the handler was started.
    if (reply === undefined) return { status: 204, body: '' };
    reader.reset(reply);
    const header = reader.readMessageBegin();
    if (header.type === MessageType.EXCEPTION) {
      const error = decodeAppError(protocol, reader);
      return errorAnswer(500, error.type, error.message);
    }
    const result = protocol.codecs.argsCodec(fn.result).decode(reader);
    jsonWriter.begin();
    simpleJsonProtocol.codecs.argsCodec(fn.result).encode(jsonWriter, result);
    return { status: 200, body: utf8.decode(jsonWriter.finish()) };
  };
}

/** A JSON route as the HTTP listener's `routes` hook: JSON answers. */
export function jsonRoutes(route: JsonRoute): HttpRoutes {
  return async (path, contentType, body) => {
    const answer = await route(path, contentType, body);
    return { status: answer.status, contentType: 'application/json', body: answer.body };
  };
}
