/** Re-runs the framed and buffered suites on web-streams-polyfill's classes, as a runtime without web streams would. */
import { ReadableStream, TransformStream, WritableStream } from 'web-streams-polyfill';
import type { StreamClasses } from '../../src/transport/index.js';
import { bufferedTests } from './buffered-cases.js';
import { framedTests } from './framed-cases.js';

const polyfill = { ReadableStream, WritableStream, TransformStream } as unknown as StreamClasses;

framedTests('web-streams-polyfill', polyfill);
bufferedTests('web-streams-polyfill', polyfill);
