// OpenEnv's HTTP /reset and /step are stateless: each request gets a fresh env that lives
// for that request only. Here that env is a session slot borrowed for the request.
import type { EnvServerContext } from './context.js';
import type { Session } from './sessions.js';

export function withTransientSession<T>(ctx: EnvServerContext, use: (session: Session) => T): T {
  const session = ctx.table.open();
  try {
    return use(session);
  } finally {
    ctx.table.close(session.id);
  }
}
