/** Types of calls.js (plain JavaScript, so the browser loads it as it is). */
export interface CallsConfig {
  idl: string;
  httpUrl: string;
  wsUrl: string;
  label: string;
  WebSocket?: unknown;
}
/** Runs the echo calls over HTTP and WebSocket with the bundle's exports `lib`. */
export function runCalls(lib: unknown, config: CallsConfig): Promise<{ http?: Record<string, unknown>; websocket?: Record<string, unknown>; error?: string }>;
