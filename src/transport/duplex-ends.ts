/** The stream ends shared by every duplex made over a byte source: socket, fetch, WebSocket, HTTP exchange. */
import { streams } from './streams.js';

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

  /** Ends the connection once what was written has gone out. */
  abstract close(): void;
  /** Tears the connection down now. */
  abstract destroy(error?: Error): void;

  /** The writable side: chunks go to `write`; closing it closes the duplex, aborting it destroys it. */
  protected writableTo(write: (chunk: Uint8Array) => Promise<void> | void): WritableStream<Uint8Array> {
    const { WritableStream } = streams();
    return new WritableStream<Uint8Array>({
      start: (controller) => {
        this.writeController = controller;
      },
      write,
      close: () => {
        this.writeOpen = false;
        this.close();
      },
      abort: (reason) => {
        this.writeOpen = false;
        this.destroy(reason instanceof Error ? reason : undefined);
      },
    });
  }

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
