/** A short description of a value for error messages (the leaf src/describe.ts, where every layer reaches it). */
export { describe } from '../describe.js';
