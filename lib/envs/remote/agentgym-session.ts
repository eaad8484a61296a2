// A client of one AgentGym env-server session. Requests carry both spellings of the session
// (`id` as ALFWorld / TextCraft / BabyAI, `env_idx` as WebShop) and of the task (`data_idx`,
// ALFWorld's `game` with world_type "Text", WebShop's `session_id`): the servers' pydantic
// models ignore fields they do not declare. Answers may be {id} or a bare id (WebShop's
// /create), an {observation, ...} object or WebShop's [state, null] pair (then /observation is
// asked), available actions as a list or WebShop's {has_search_bar, clickables}.
import type { RemoteCaller } from './caller.js';
import { RemoteEnvError } from './errors.js';
import { httpJson } from './http-json.js';
import { readAnchor, readReward, readStringList, type RemoteSession, type RemoteState } from './session.js';

type Obj = Record<string, unknown>;

export class AgentGymSession implements RemoteSession {
  private id: number | undefined;
  /** The server has no /available_actions route (TextCraft): stop asking. */
  private noActionsRoute = false;

  constructor(
    private readonly url: string,
    private readonly caller: RemoteCaller,
  ) {}

  async reset(task: number, member: number, deadline: number): Promise<RemoteState> {
    if (this.id === undefined) {
      const created = await this.call('POST', '/create', {}, true, deadline);
      this.id = readId(created, `POST ${this.url}/create`);
    }
    const id = this.id;
    const body = { id, env_idx: id, data_idx: task, game: task, world_type: 'Text', session_id: task, member };
    return this.state(await this.call('POST', '/reset', body, true, deadline), 'POST /reset', deadline, true);
  }

  async step(action: string, deadline: number): Promise<RemoteState> {
    const id = this.id!;
    return this.state(await this.call('POST', '/step', { id, env_idx: id, action }, false, deadline), 'POST /step', deadline, false);
  }

  async close(): Promise<void> {
    if (this.id === undefined) return;
    try {
      await httpJson('POST', `${this.url}/close`, { id: this.id, env_idx: this.id }, 5000);
    } catch {
      // best effort: some servers (ALFWorld) have no /close
    }
  }

  private call(method: 'GET' | 'POST', path: string, body: unknown, repeatable: boolean, deadline: number): Promise<unknown> {
    const url = `${this.url}${path}`;
    return this.caller.run(
      `${method} ${url.split('?')[0]}`,
      (timeoutMs) => httpJson(method, url, body, timeoutMs, this.caller.signal),
      repeatable,
      deadline,
    );
  }

  private async state(answer: unknown, what: string, deadline: number, afterReset: boolean): Promise<RemoteState> {
    const call = `${what.split(' ')[0]} ${this.url}${what.split(' ')[1]}`;
    const query = `?id=${this.id}&env_idx=${this.id}`;
    let a: Obj;
    if (Array.isArray(answer))
      a = { observation: answer[0] }; // WebShop's /reset: [state, null]
    else if (answer !== null && typeof answer === 'object') a = answer as Obj;
    else throw new RemoteEnvError('protocol', call, `expected a JSON object, got ${JSON.stringify(answer)}`);
    let observation = typeof a.observation === 'string' ? a.observation : typeof a.state === 'string' ? a.state : undefined;
    if (observation === undefined) {
      const o = await this.call('GET', `/observation${query}`, undefined, true, deadline);
      if (typeof o !== 'string')
        throw new RemoteEnvError('protocol', `GET ${this.url}/observation`, 'expected the observation as a JSON string');
      observation = o;
    }
    const reward = afterReset ? 0 : readReward(a.reward);
    if (reward === undefined) throw new RemoteEnvError('protocol', call, `reward: expected a number, got ${JSON.stringify(a.reward)}`);
    if (!afterReset && typeof a.done !== 'boolean')
      throw new RemoteEnvError('protocol', call, `done: expected a boolean, got ${JSON.stringify(a.done)}`);
    const truncated = a.truncated === true;
    return {
      observation,
      reward,
      done: a.done === true && !truncated,
      truncated,
      valid: a.valid !== false,
      anchor: readAnchor(a.anchor),
      admissible: readStringList(a.available_actions) ?? (await this.availableActions(query, deadline)),
    };
  }

  private async availableActions(query: string, deadline: number): Promise<readonly string[]> {
    if (this.noActionsRoute) return [];
    try {
      return toActionList(await this.call('GET', `/available_actions${query}`, undefined, true, deadline));
    } catch (err) {
      if (err instanceof RemoteEnvError && err.status === 404) {
        this.noActionsRoute = true;
        return [];
      }
      throw err;
    }
  }
}

function readId(answer: unknown, call: string): number {
  const id =
    typeof answer === 'number'
      ? answer
      : answer !== null && typeof answer === 'object'
        ? ((answer as Obj).id ?? (answer as Obj).env_idx)
        : undefined;
  if (typeof id !== 'number' || !Number.isSafeInteger(id))
    throw new RemoteEnvError('protocol', call, `expected a session id (a number or {"id": n}), got ${JSON.stringify(answer)}`);
  return id;
}

/** A list of actions, or WebShop's {has_search_bar, clickables} as search[...] / click[...] actions. */
function toActionList(answer: unknown): readonly string[] {
  const list = readStringList(answer);
  if (list) return list;
  if (answer !== null && typeof answer === 'object') {
    const a = answer as Obj;
    const clickables = readStringList(a.clickables) ?? [];
    return [...(a.has_search_bar === true ? ['search[...]'] : []), ...clickables.map((c) => `click[${c}]`)];
  }
  return [];
}
