/** The error an HTTP status other than 200 or 204 turns into. */
import { TransportError } from '../errors.js';

/** The server answered a Thrift POST with a status other than 200 or 204 (no Thrift reply in it). */
export class HttpStatusError extends TransportError {
  /** The HTTP status code, e.g. 404 or 503. */
  readonly status: number;
  /** The URL that answered. */
  readonly url: string;
  constructor(url: string, status: number, statusText = '') {
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ''} from ${url}`, 'TRANSPORT');
    this.status = status;
    this.url = url;
  }
}
