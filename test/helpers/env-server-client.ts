// Minimal clients of our env server for tests: a WebSocket session that pairs each frame
// with its reply, and JSON over HTTP that returns the status with the body.
import WebSocket from 'ws';

export type Json = Record<string, unknown>;

export class WsSession {
  private readonly ws: WebSocket;
  private readonly waiting: Array<(reply: Json) => void> = [];
  readonly opened: Promise<void>;
  /** Resolves with the close code when the server ends the socket. */
  readonly closed: Promise<number>;

  constructor(url: string) {
    this.ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws');
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code) => resolve(code)));
    this.ws.on('message', (data) => {
      const reply = JSON.parse(String(data)) as Json;
      const next = this.waiting.shift();
      if (next) next(reply);
      else this.unsolicited.push(reply);
    });
  }

  /** Replies that arrived with no request waiting (e.g. a capacity or expiry notice). */
  readonly unsolicited: Json[] = [];

  sendRaw(data: string | Buffer, binary = false): Promise<Json> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.ws.send(data, { binary });
    });
  }

  send(message: Json): Promise<Json> {
    return this.sendRaw(JSON.stringify(message));
  }

  /** Sends without waiting for a reply (for frames the server answers by closing). */
  fire(data: string | Buffer): void {
    this.ws.send(data);
  }

  close(): void {
    this.ws.close();
  }
}

export interface HttpReply {
  status: number;
  body: unknown;
}

export async function http(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  raw?: { text: string; type: string },
): Promise<HttpReply> {
  const init: RequestInit = { method };
  if (raw) init.headers = { 'content-type': raw.type };
  else if (body !== undefined) init.headers = { 'content-type': 'application/json' };
  if (raw) init.body = raw.text;
  else if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(url + path, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed };
}

/** Waits until `condition()` holds (a socket's server side closes a moment after its client side). */
export async function eventually(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > until) throw new Error(`condition still false after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
