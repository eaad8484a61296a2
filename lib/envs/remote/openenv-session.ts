// A client of one OpenEnv WebSocket session (/ws): {type: reset|step|close, data} frames, one
// reply each, {type: "error", data: {message, code}} for failures. The observation's text is
// its `text` field (serve-env), else `prompt`, else the observation as JSON; its metadata may
// carry our anchor, admissible actions, validity and step-limit flag.
import WebSocket from 'ws';

import type { RemoteCaller } from './caller.js';
import { RemoteEnvError } from './errors.js';
import { clip } from './http-json.js';
import { readAnchor, readReward, readStringList, type RemoteSession, type RemoteState } from './session.js';

type Obj = Record<string, unknown>;

export class OpenEnvSession implements RemoteSession {
  private ws: WebSocket | undefined;
  private waiting: { resolve: (text: string) => void; reject: (err: Error) => void } | undefined;
  private readonly wsUrl: string;

  constructor(
    url: string,
    private readonly caller: RemoteCaller,
  ) {
    this.wsUrl = `${url.replace(/^http/, 'ws')}/ws`;
  }

  async reset(task: number, member: number, deadline: number): Promise<RemoteState> {
    // A reset may open a new connection, so it can be repeated after any failure.
    return this.caller.run(
      `reset ${this.wsUrl}`,
      async (timeoutMs) => {
        if (!this.ws) await this.connect(timeoutMs);
        return this.exchange({ type: 'reset', data: { seed: task, member } }, timeoutMs, 'reset');
      },
      true,
      deadline,
    );
  }

  async step(action: string, deadline: number): Promise<RemoteState> {
    return this.caller.run(
      `step ${this.wsUrl}`,
      (timeoutMs) => this.exchange({ type: 'step', data: { message: action } }, timeoutMs, 'step'),
      false,
      deadline,
    );
  }

  /** Ends the session and waits (at most 1 s) for the socket to close, so the server's slot is free on return. */
  async close(): Promise<void> {
    const ws = this.ws;
    this.ws = undefined;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1000);
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    try {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'close' }));
      ws.close();
    } catch {
      ws.terminate();
    }
    await closed;
  }

  private connect(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.wsUrl, { handshakeTimeout: timeoutMs });
      const fail = (err: Error): void => {
        ws.terminate();
        reject(
          new RemoteEnvError('connection', `connect ${this.wsUrl}`, err.message, {
            retryable: /ECONNREFUSED/.test(err.message),
            cause: err,
          }),
        );
      };
      ws.once('error', fail);
      ws.once('open', () => {
        ws.off('error', fail);
        this.ws = ws;
        ws.on('message', (data) => {
          const w = this.waiting;
          this.waiting = undefined;
          w?.resolve(String(data));
        });
        const broken = (why: string): void => {
          if (this.ws === ws) this.ws = undefined;
          const w = this.waiting;
          this.waiting = undefined;
          w?.reject(new RemoteEnvError('connection', `${this.wsUrl}`, why));
        };
        ws.on('close', (code, reason) => broken(`the server closed the connection (${code}${reason.length ? ` ${String(reason)}` : ''})`));
        ws.on('error', (err) => broken(err.message));
        resolve();
      });
    });
  }

  private async exchange(frame: Obj, timeoutMs: number, what: string): Promise<RemoteState> {
    const call = `${what} ${this.wsUrl}`;
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) throw new RemoteEnvError('connection', call, 'the connection is closed');
    const text = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        // The reply may still come: this connection cannot be trusted to pair frames any more.
        this.ws = undefined;
        ws.terminate();
        reject(new RemoteEnvError('timeout', call, `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = {
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      ws.send(JSON.stringify(frame));
    });
    let reply: Obj;
    try {
      reply = JSON.parse(text) as Obj;
    } catch {
      throw new RemoteEnvError('protocol', call, `malformed JSON in the answer: ${clip(text)}`);
    }
    if (reply?.type === 'error') {
      const d = (reply.data ?? {}) as Obj;
      throw new RemoteEnvError('server', call, `the server reported ${String(d.code ?? 'an error')}: ${clip(String(d.message ?? ''))}`);
    }
    if (reply?.type !== 'observation' || reply.data === null || typeof reply.data !== 'object')
      throw new RemoteEnvError('protocol', call, `expected {"type": "observation", "data": {...}}, got ${clip(text)}`);
    return readResult(reply.data as Obj, call, what === 'reset');
  }
}

function readResult(data: Obj, call: string, afterReset: boolean): RemoteState {
  const obs = (data.observation ?? {}) as Obj;
  const meta = (obs.metadata ?? {}) as Obj;
  const observation =
    typeof obs.text === 'string' ? obs.text : typeof obs.prompt === 'string' ? obs.prompt : JSON.stringify(withoutMetadata(obs));
  const reward = afterReset ? 0 : readReward(data.reward);
  if (reward === undefined)
    throw new RemoteEnvError('protocol', call, `reward: expected a number or null, got ${JSON.stringify(data.reward)}`);
  if (typeof data.done !== 'boolean')
    throw new RemoteEnvError('protocol', call, `done: expected a boolean, got ${JSON.stringify(data.done)}`);
  const truncated = data.done && meta.truncated === true;
  return {
    observation,
    reward,
    done: data.done && !truncated,
    truncated,
    valid: meta.valid !== false,
    anchor: readAnchor(meta.anchor),
    admissible: readStringList(meta.admissible_actions) ?? [],
  };
}

function withoutMetadata(obs: Obj): Obj {
  const { metadata: _ignored, ...rest } = obs;
  return rest;
}
