/**
 * One named STS endpoint: an HTTP listener with its own region and fault. All endpoints of a
 * stand-in share the world, state and clock, like AWS's regional STS endpoints share IAM. A `refuseConnections`
 * fault closes the listener itself (connects get ECONNREFUSED); clearing it listens again on the
 * same port, so a client configured with the URL finds the endpoint back.
 */
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { freePort } from "../ports";
import { faultLabel, type StsFault } from "./faults";

/** The fault applying to one request, as taken from the endpoint. */
export interface TakenFault {
  fault: StsFault;
  label: string;
}

/** What `GET /__standin/faults` reports for an endpoint. */
export interface EndpointStatus {
  endpoint: string;
  url: string;
  /** The region a request's credential scope must name here. */
  region: string;
  isListening: boolean;
  /** The active fault; `failFirst` is the number of requests it still applies to. */
  fault: StsFault | null;
  /** Why the endpoint could not listen again after a refuseConnections fault was cleared. */
  error?: string;
}

export class StsEndpoint {
  private readonly server: Server;
  private port = 0;
  private fault: StsFault | null = null;
  private isListening = false;
  private isClosed = false;
  private listenError: string | undefined;
  private transition: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly region: string,
    private readonly host: string,
    handler: RequestListener,
  ) {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      // A keep-alive connection opened before the listener closed would otherwise still reach
      // us: a refusing endpoint drops it, so the client sees a dead connection, not an answer.
      if (!this.isListening) {
        req.socket.destroy();
        return;
      }
      handler(req, res);
    });
  }

  /** `http://HOST:PORT/` */
  get url(): string {
    const host = this.host.includes(":") ? `[${this.host}]` : this.host;
    return `http://${host}:${this.port}/`;
  }

  /**
   * Starts listening on a port chosen below the kernel's ephemeral range (dev/ports.ts): a
   * refuseConnections fault closes the listener and clearing it must get the same port back,
   * which another process's listen(0) could otherwise have been handed in between.
   */
  async listenOnFreePort(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.listen(await freePort());
      } catch (error) {
        const taken = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
        if (!taken || attempt === 5) throw error;
      }
    }
  }

  /** Starts listening; rejects when the port is taken. */
  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, this.host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.isListening = true;
  }

  /**
   * Replaces the endpoint's fault (already validated). Refusing closes the listener at once;
   * clearing a refusal starts listening again on the same port (see settled()).
   */
  setFault(fault: StsFault | null): void {
    if (this.isClosed) throw new TypeError(`STS endpoint ${this.name} is closed`);
    this.fault = fault;
    if (fault?.refuseConnections) this.stopListening();
    else if (!this.isListening) this.listenAgain();
  }

  /** Resolves once a reopening listener is listening (or has failed: see status().error). */
  settled(): Promise<void> {
    return this.transition;
  }

  /** The fault for the next STS request, counting it against `failFirst`. */
  takeFault(): TakenFault | null {
    const fault = this.fault;
    if (!fault || fault.refuseConnections) return null;
    if (fault.failFirst !== undefined) {
      const remaining = fault.failFirst - 1;
      this.fault = remaining > 0 ? { ...fault, failFirst: remaining } : null;
    }
    return { fault, label: faultLabel(fault) };
  }

  status(): EndpointStatus {
    return {
      endpoint: this.name,
      url: this.url,
      region: this.region,
      isListening: this.isListening,
      fault: this.fault ? { ...this.fault } : null,
      ...(this.listenError !== undefined ? { error: this.listenError } : {}),
    };
  }

  async close(): Promise<void> {
    this.isClosed = true;
    await this.transition;
    if (this.isListening) {
      this.isListening = false;
      await new Promise<void>((resolve, reject) => {
        this.server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets from SDK clients would otherwise hold close() open.
        this.server.closeAllConnections();
      });
    } else {
      this.server.closeAllConnections();
    }
  }

  private stopListening(): void {
    if (!this.isListening) return;
    this.isListening = false;
    // The listening socket closes synchronously: the next connect is refused. Requests already
    // being answered finish; idle keep-alive connections are closed now.
    this.server.close();
    this.server.closeIdleConnections();
  }

  private listenAgain(): void {
    this.transition = this.transition.then(
      () =>
        new Promise<void>((resolve) => {
          if (this.isListening || this.isClosed) return resolve();
          const onError = (error: Error) => {
            this.listenError = `could not listen again on port ${this.port}: ${error.message}`;
            console.error(`[aws-standin] STS endpoint ${this.name}: ${this.listenError}`);
            resolve();
          };
          this.server.once("error", onError);
          this.server.listen(this.port, this.host, () => {
            this.server.off("error", onError);
            this.isListening = true;
            this.listenError = undefined;
            resolve();
          });
        }),
    );
  }
}
