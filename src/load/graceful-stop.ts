/**
 * autocannon ends a duration-based run by destroying its connections, dropping the requests in flight, which the
 * proxy has already counted: the client and `/clusters` would then disagree by up to one request per connection.
 * A graceful stop instead tells every connection to send nothing more, lets the request in flight finish, and
 * the run ends when the last connection is done, so both sides count exactly the same requests.
 */
export interface GracefulStop {
  /** Pass as autocannon's `setupClient`: it registers each connection. */
  readonly setupClient: (client: unknown) => void;
  /** Stops sending; each connection closes after its response in flight. */
  readonly stop: () => void;
}

/** The fields of autocannon 8's `Client` (lib/httpClient.js) the graceful stop uses. */
interface StoppableClient {
  reqsMade: number;
  responseMax: number | undefined;
  readonly destroyed: boolean;
  destroy(): void;
}

function isStoppableClient(value: unknown): value is StoppableClient {
  if (typeof value !== 'object' || value === null) return false;
  const client = value as Partial<StoppableClient>;
  return typeof client.reqsMade === 'number' && typeof client.destroy === 'function';
}

/** Creates the graceful stop of one autocannon run. */
export function createGracefulStop(): GracefulStop {
  const clients: StoppableClient[] = [];
  return {
    setupClient(client) {
      if (isStoppableClient(client)) clients.push(client);
    },
    stop() {
      for (const client of clients) {
        if (client.destroyed) continue;
        // autocannon sends the next request only while reqsMade < responseMax; the response in flight still
        // arrives and is counted, then the client destroys itself and autocannon finishes when all are done.
        if (client.reqsMade === 0) client.destroy();
        else client.responseMax = client.reqsMade;
      }
    },
  };
}
