// A TCP proxy in front of a real redis-server that drops one client connection at an exact
// moment: after the server's first replies to a chosen client write, so that the client has
// some replies of a pipeline or transaction and not the rest (what a Redis that goes away in
// the middle of a reply does, at a timing a test can count on).
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface CutRule {
  /** The client write that arms the cut (e.g. the one holding `multi` and `xadd`). */
  match: (clientChunk: Buffer) => boolean;
  /** Replies of the server passed on before the connection is dropped. */
  keepReplies: number;
}

export interface CuttingProxy {
  url: string;
  /** Arms a cut; resolves once it happened. */
  cutNext(rule: CutRule): Promise<void>;
  /** Client connections dropped so far. */
  readonly cuts: number;
  close(): Promise<void>;
}

/** Bytes of the first `n` whole RESP replies of `data` (simple, error, integer and bulk replies; arrays count their elements). */
export function replyBytes(data: Buffer, n: number): number {
  let at = 0;
  let left = n;
  while (left > 0) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) return data.length;
    const kind = String.fromCharCode(data[at]);
    const header = data.subarray(at + 1, eol).toString();
    at = eol + 2;
    if (kind === '$' && Number(header) >= 0) at += Number(header) + 2;
    else if (kind === '*' && Number(header) > 0) left += Number(header);
    left--;
  }
  return Math.min(at, data.length);
}

export async function startCuttingProxy(targetPort: number): Promise<CuttingProxy> {
  let armed: (CutRule & { done: () => void }) | undefined;
  let cuts = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let cutting: (CutRule & { done: () => void }) | undefined;
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (armed && !cutting && armed.match(chunk)) {
        cutting = armed;
        armed = undefined;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!cutting) {
        client.write(chunk);
        return;
      }
      const keep = replyBytes(chunk, cutting.keepReplies);
      const rule = cutting;
      client.write(chunk.subarray(0, keep), () => {
        drop();
        cuts++;
        rule.done();
      });
    });
    for (const s of [client, upstream]) {
      s.on('error', () => drop());
      s.on('close', () => {
        sockets.delete(s);
        drop();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `redis://127.0.0.1:${port}`,
    cutNext: (rule) => new Promise<void>((resolve) => (armed = { ...rule, done: resolve })),
    get cuts() {
      return cuts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
