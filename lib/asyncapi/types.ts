// The shapes of the AsyncAPI export's options and result, apart from the code that builds them so
// that callers (the class export, the broker's REST routes) depend on types alone.

/** Where the MSB websocket interface is, for the document's `servers`. */
export interface AsyncApiServer {
  /** The MSB url as a client is given it, e.g. `ws://localhost:8085` or `https://msb.example.org:8084`. */
  url: string;
  /** AsyncAPI protocol name. Default: from the url's scheme (`http`→`ws`, `https`→`wss`). */
  protocol?: string;
  /** Default: says which websocket paths the clients use. */
  description?: string;
}

/** Options of the AsyncAPI export that do not depend on where the self-descriptions come from. */
export interface AsyncApiDocumentOptions {
  /** The MSB server. A string is the url. Default: no `servers` section. */
  server?: string | AsyncApiServer;
  /** `info.title`. Default: the service name (one service) or `MSB services`. */
  title?: string;
  /** `info.version`, the version of the described interface. Default: `1.0.0`. */
  version?: string;
  /** `info.description`. Default: the service description (one service) or a list of the services. */
  description?: string;
}

/** An AsyncAPI 3.0 document as plain JSON data. */
export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  info: { title: string; version: string; description?: string; [extension: `x-${string}`]: unknown };
  defaultContentType: 'application/json';
  servers?: Record<string, Record<string, unknown>>;
  channels: Record<string, Record<string, unknown>>;
  operations: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown>; messages: Record<string, Record<string, unknown>> };
}

/** What the export knows beyond the self-description when it starts from a class. */
export interface ServiceExtras {
  /** Declared event priorities (0, 1, 2) by service uuid and eventId; not part of a self-description. */
  priorities?: ReadonlyMap<string, ReadonlyMap<string, number>>;
}
