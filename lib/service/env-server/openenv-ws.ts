// OpenEnv's /ws endpoint: one session per connection, opened on connect and closed with the
// socket. Every frame gets exactly one reply; a bad frame gets an error frame and the
// session keeps going. Frames over the size bound are refused by ws itself (close 1009).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

import type { EnvServerContext } from './context.js';
import { EnvServerError } from './errors.js';
import { handleOpenEnvFrame, openEnvErrorFrame } from './openenv-messages.js';
import { parseJson } from './requests.js';
import type { Session } from './sessions.js';

/** Close codes: 1000 normal, 1013 "try again later" (no free session). */
const CLOSE_NORMAL = 1000;
const CLOSE_TRY_LATER = 1013;

export class OpenEnvSockets {
  private readonly ctx: EnvServerContext;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Map<number, WebSocket>();

  constructor(ctx: EnvServerContext, maxFrameBytes: number) {
    this.ctx = ctx;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes });
    this.wss.on('connection', (ws) => this.connect(ws));
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => this.wss.emit('connection', ws, request));
  }

  /** Tells the clients of expired sessions and ends their sockets. */
  expired(ids: readonly number[]): void {
    for (const id of ids) {
      const ws = this.sockets.get(id);
      if (!ws) continue;
      this.sockets.delete(id);
      const err = new EnvServerError('SESSION_EXPIRED', `session ${id} expired without requests`);
      ws.send(JSON.stringify(openEnvErrorFrame(err)));
      ws.close(CLOSE_NORMAL, 'session expired');
    }
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private connect(ws: WebSocket): void {
    let session: Session;
    try {
      session = this.ctx.table.open();
    } catch (err) {
      const e = err instanceof EnvServerError ? err : new EnvServerError('EXECUTION_ERROR', String(err));
      ws.send(JSON.stringify(openEnvErrorFrame(e)));
      ws.close(CLOSE_TRY_LATER, e.code);
      return;
    }
    this.sockets.set(session.id, ws);
    ws.on('message', (data, isBinary) => this.receive(ws, session, data, isBinary));
    ws.on('close', () => {
      if (this.sockets.get(session.id) === ws) this.sockets.delete(session.id);
      this.ctx.table.close(session.id);
    });
    ws.on('error', () => ws.terminate());
  }

  private receive(ws: WebSocket, session: Session, data: RawData, isBinary: boolean): void {
    if (!this.sockets.has(session.id)) return; // expired or closing
    session.lastActive = performance.now();
    let reply: Record<string, unknown> | null;
    try {
      if (isBinary) throw new EnvServerError('INVALID_JSON', 'message: expected a text frame holding JSON, got a binary frame');
      reply = handleOpenEnvFrame(this.ctx, session, parseJson(rawText(data), 'message'));
    } catch (err) {
      reply = openEnvErrorFrame(err instanceof EnvServerError ? err : new EnvServerError('EXECUTION_ERROR', String(err)));
    }
    if (reply === null) {
      ws.close(CLOSE_NORMAL, 'closed by client');
      return;
    }
    ws.send(JSON.stringify(reply));
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
