import { bufferedTests } from './buffered-cases.js';
import { nativeStreams } from './helpers.js';

bufferedTests('native', nativeStreams);
