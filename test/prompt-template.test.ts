// Prompt templates (issue 13.2): verl-agent's placeholder style rendered byte for byte
// (templates of our own written in that style), the history rule, the first-step template,
// functions, errors, and the rollout engine using them.
import { describe, expect, it } from 'vitest';
import { compilePromptTemplate, formatNamed, functionPolicy, RolloutEngine, type ChatMessage, type PromptContext } from '../lib/index.js';

// Our own template in verl-agent's placeholder style (Python str.format, {{ }} braces).
const WITH_HISTORY = `
You walk a number line.
Task: {task_description}
You have taken {step_count} step(s); the last {history_length} were:
{action_history}
Now at step {current_step} you see: {current_observation}
Choose one of [{admissible_actions}] and answer {{"action": "..."}}.
`;
const FIRST = `
You walk a number line.
You see: {current_observation}
Choose one of [{admissible_actions}].
`;

const context = (step: number, history: { observation: string; action: string }[]): PromptContext => ({
  env: 'numberline',
  task: 'reach the target',
  step,
  observation: `at ${step}`,
  admissibleActions: ['+', '-'],
  history,
});

describe('prompt templates', () => {
  it('renders verl-agent-style text byte for byte: one user message, inline history "[Observation k: ..., Action k: ...]"', () => {
    const render = compilePromptTemplate({ user: WITH_HISTORY, first: FIRST });
    const messages = render(
      context(5, [
        { observation: 'at 3', action: '+' },
        { observation: 'at 4', action: '-' },
      ]),
    );
    expect(messages).toEqual<ChatMessage[]>([
      {
        role: 'user',
        content:
          '\nYou walk a number line.\nTask: reach the target\nYou have taken 5 step(s); the last 2 were:\n' +
          "[Observation 4: 'at 3', Action 4: '+']\n[Observation 5: 'at 4', Action 5: '-']\n" +
          'Now at step 6 you see: at 5\nChoose one of [\'+\'\n \'-\'] and answer {"action": "..."}.\n',
      },
    ]);
    // No history yet: the first-step template.
    expect(render(context(0, []))).toEqual([
      { role: 'user', content: "\nYou walk a number line.\nYou see: at 0\nChoose one of ['+'\n '-'].\n" },
    ]);
  });

  it('makes the system message and the history and action rendering configurable', () => {
    const render = compilePromptTemplate({
      system: 'You are {task_description}.',
      user: '{action_history}|{admissible_actions}|{current_observation}',
      historyEntry: 'Step {step}:{action} {observation}',
      historySeparator: '\n\n',
      admissibleEntry: '"{action}",',
      admissibleSeparator: ' ',
    });
    expect(
      render(
        context(2, [
          { observation: 'a', action: '+' },
          { observation: 'b', action: '-' },
        ]),
      ),
    ).toEqual([
      { role: 'system', content: 'You are reach the target.' },
      { role: 'user', content: 'Step 1:+ a\n\nStep 2:- b|"+", "-",|at 2' },
    ]);
  });

  it('takes a function of the context', () => {
    const seen: PromptContext[] = [];
    const render = compilePromptTemplate((c) => {
      seen.push(c);
      return [{ role: 'user', content: `${c.step}:${c.observation}` }];
    });
    expect(render(context(1, []))).toEqual([{ role: 'user', content: '1:at 1' }]);
    expect(seen.at(-1)!.admissibleActions).toEqual(['+', '-']);
    expect(() => compilePromptTemplate(() => 'text' as never)(context(0, []))).toThrow(/array of \{ role, content \} messages/);
  });

  it('names a bad template before any rollout', () => {
    expect(() => compilePromptTemplate('{observation}')).toThrow(/unknown placeholder \{observation\}/);
    expect(() => compilePromptTemplate('a } b')).toThrow(/single '\}' at offset 2/);
    expect(() => compilePromptTemplate('{current_step')).toThrow(/unmatched '\{'/);
    expect(() => compilePromptTemplate({ user: 'x', historyEntry: 3 } as never)).toThrow(/promptTemplate\.historyEntry: expected a string/);
    expect(formatNamed('{{a}} {a}', { a: 1 })).toBe('{a} 1');
  });

  it('drives the prompts of a rollout; history entries are the observations each action was taken from', async () => {
    let prompts: string[] = [];
    const policy = functionPolicy((messages) => {
      expect(messages).toHaveLength(1);
      prompts.push(messages[0].content);
      return '<action>+</action>';
    });
    // A seed whose episode lasts at least two steps under "+".
    for (let seed = 1; seed < 50 && prompts.length < 2; seed++) {
      prompts = [];
      await collect(seed);
    }
    async function collect(seed: number) {
      await new RolloutEngine().collect({
        env: 'numberline',
        groups: 1,
        groupSize: 1,
        seed,
        maxSteps: 3,
        policy,
        historyLength: 1,
        promptTemplate: {
          user: '{step_count}|{action_history}|{current_observation}|{admissible_actions}',
          first: 'first|{current_observation}',
        },
      });
    }
    expect(prompts[0]).toMatch(/^first\|Position: \d+/);
    const [count, hist, obs, actions] = prompts[1].split('|');
    expect(count).toBe('1');
    expect(hist).toBe(`[Observation 1: '${prompts[0].slice('first|'.length)}', Action 1: '+']`);
    expect(obs).toMatch(/^Position: /);
    expect(actions).toBe("'+'\n '-'");
  });
});
