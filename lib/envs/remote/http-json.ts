// One JSON request to an env server under a timeout, with every failure typed: connection
// refused (retryable: the server never saw it), timeout, HTTP status, malformed body, and the
// AgentGym convention of an {"error": ...} body with HTTP 200.
import { RemoteEnvError } from './errors.js';

export async function httpJson(
  method: 'GET' | 'POST',
  url: string,
  body: unknown,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<unknown> {
  const call = `${method} ${url.split('?')[0]}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const onAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let status = 0;
  let text: string;
  try {
    const res = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    });
    status = res.status;
    text = await res.text(); // the timeout covers the body too
  } catch (err) {
    if (signal?.aborted) throw err;
    if (controller.signal.aborted)
      throw new RemoteEnvError('timeout', call, `no answer within ${timeoutMs} ms`, { status: status || undefined, cause: err });
    const code = (err as { cause?: { code?: string } }).cause?.code;
    // Refused: the request never reached a server, so repeating it cannot act twice.
    throw new RemoteEnvError('connection', call, `${code ?? 'network error'}: ${(err as Error).message}`, {
      retryable: code === 'ECONNREFUSED',
      cause: err,
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    if (status < 200 || status >= 300) throw httpError(call, status, text);
    throw new RemoteEnvError('protocol', call, `malformed JSON in the answer (HTTP ${status}): ${clip(text)}`, { status });
  }
  if (status < 200 || status >= 300) throw httpError(call, status, text);
  if (
    parsed !== null &&
    typeof parsed === 'object' &&
    !Array.isArray(parsed) &&
    'error' in parsed &&
    (parsed as { error: unknown }).error != null
  )
    throw new RemoteEnvError('server', call, `the server reported an error: ${clip(String((parsed as { error: unknown }).error))}`, {
      status,
    });
  return parsed;
}

function httpError(call: string, status: number, text: string): RemoteEnvError {
  // 429 and 503: the server turned the request away without acting on it.
  return new RemoteEnvError('http', call, `HTTP ${status}: ${clip(text)}`, { status, retryable: status === 429 || status === 503 });
}

export function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
