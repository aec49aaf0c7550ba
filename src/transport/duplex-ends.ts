/** The stream ends shared by every duplex made over a byte source: socket, fetch, WebSocket, HTTP exchange. */

/**
 * The controllers of a readable and writable pair, and whether each can still be
 * ended. Subclasses set the controllers in their streams' start() and mark an end
 * closed when they close it themselves.
 */
export abstract class DuplexEnds {
  /** @internal */ readController!: ReadableStreamDefaultController<Uint8Array>;
  /** @internal */ writeController!: WritableStreamDefaultController;
  /** @internal */ readOpen = true;
  /** @internal */ writeOpen = true;

  /** Errors whichever of the two streams is still open. */
  protected fail(error: unknown): void {
    if (this.readOpen) {
      this.readOpen = false;
      this.readController.error(error);
    }
    if (this.writeOpen) {
      this.writeOpen = false;
      this.writeController.error(error);
    }
  }
}
