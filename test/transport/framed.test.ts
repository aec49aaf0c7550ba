import { framedTests } from './framed-cases.js';
import { nativeStreams } from './helpers.js';

framedTests('native', nativeStreams);
