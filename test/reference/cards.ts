// A plain-TypeScript model of the card games' formula rules (ezpoints, points24), written
// from their documented rules, for tests to cross-check the native environments against.
// Arithmetic is exact: fractions of integers small enough to stay exact in doubles.
// Deliberately a different method from the native code: shunting-yard evaluation, and
// solvability by enumerating postfix (RPN) expressions rather than combining pairs.

export interface Frac {
  n: number;
  d: number;
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

export function frac(n: number, d = 1): Frac {
  if (d < 0) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1;
  return { n: n / g, d: d / g };
}

/** Applies a binary operator; null on division by zero. */
export function apply(op: string, a: Frac, b: Frac): Frac | null {
  switch (op) {
    case '+':
      return frac(a.n * b.d + b.n * a.d, a.d * b.d);
    case '-':
      return frac(a.n * b.d - b.n * a.d, a.d * b.d);
    case '*':
      return frac(a.n * b.n, a.d * b.d);
    case '/':
      return b.n === 0 ? null : frac(a.n * b.d, a.d * b.n);
  }
  throw new Error('unknown operator ' + op);
}

export const fracEquals = (a: Frac, b: Frac): boolean => a.n === b.n && a.d === b.d;

const PREC: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2 };

/** Value of an infix token list (numbers, + - * /, parentheses) by shunting-yard; null when it divides by zero. */
export function evaluateTokens(tokens: readonly string[]): Frac | null {
  const values: Frac[] = [];
  const ops: string[] = [];
  let failed = false;
  const reduce = (): void => {
    const op = ops.pop()!;
    const b = values.pop()!;
    const a = values.pop()!;
    const v = apply(op, a, b);
    if (v === null) failed = true;
    values.push(v ?? frac(0));
  };
  for (const t of tokens) {
    if (/^\d+$/.test(t)) values.push(frac(Number(t)));
    else if (t === '(') ops.push(t);
    else if (t === ')') {
      while (ops[ops.length - 1] !== '(') reduce();
      ops.pop();
    } else {
      while (ops.length && ops[ops.length - 1] !== '(' && PREC[ops[ops.length - 1]] >= PREC[t]) reduce();
      ops.push(t);
    }
  }
  while (ops.length) reduce();
  if (values.length !== 1) throw new Error('malformed formula ' + tokens.join(''));
  return failed ? null : values[0];
}

/** Splits rendered formula text ("(3+10)*2=") into tokens. */
export function tokenize(text: string): string[] {
  return text.match(/10|[1-9]|[-+*/()=]/g) ?? [];
}

/** The formula-building state of one episode, following the documented token rules. */
export class FormulaModel {
  tokens: string[] = [];
  used: boolean[];
  depth = 0;
  opened = 0;
  expectOperand = true;
  finished = false;

  constructor(readonly hand: readonly number[]) {
    this.used = hand.map(() => false);
  }

  clone(): FormulaModel {
    const m = new FormulaModel(this.hand);
    m.tokens = [...this.tokens];
    m.used = [...this.used];
    m.depth = this.depth;
    m.opened = this.opened;
    m.expectOperand = this.expectOperand;
    m.finished = this.finished;
    return m;
  }

  private unusedCard(value: number): number {
    return this.hand.findIndex((v, k) => v === value && !this.used[k]);
  }

  get allUsed(): boolean {
    return this.used.every(Boolean);
  }

  get complete(): boolean {
    return !this.expectOperand && this.depth === 0 && this.allUsed;
  }

  legal(t: string): boolean {
    if (this.finished) return false;
    if (/^\d+$/.test(t)) return this.expectOperand && this.unusedCard(Number(t)) >= 0;
    if (t === '(') return this.expectOperand && this.opened + 1 < this.hand.length;
    if (t === ')') return !this.expectOperand && this.depth > 0;
    if (t === '=') return this.complete;
    return !this.expectOperand && !this.allUsed; // an operator
  }

  push(t: string): void {
    this.tokens.push(t);
    if (/^\d+$/.test(t)) {
      this.used[this.unusedCard(Number(t))] = true;
      this.expectOperand = false;
    } else if (t === '(') {
      this.depth++;
      this.opened++;
    } else if (t === ')') this.depth--;
    else if (t === '=') this.finished = true;
    else this.expectOperand = true;
  }

  value(): Frac | null {
    return evaluateTokens(this.tokens.filter((t) => t !== '='));
  }
}

function* permutations(values: readonly number[]): Generator<number[]> {
  if (values.length <= 1) {
    yield [...values];
    return;
  }
  for (let i = 0; i < values.length; i++) {
    const rest = [...values.slice(0, i), ...values.slice(i + 1)];
    for (const p of permutations(rest)) yield [values[i], ...p];
  }
}

/** Whether some expression over every value exactly once equals target, by enumerating postfix programs. */
export function solvable(values: readonly number[], target: number, ops: readonly string[]): boolean {
  const goal = frac(target);
  const n = values.length;
  // A postfix program: n operands and n-1 operators, with the stack never below 1.
  const run = (perm: number[], at: number, stack: Frac[], opsLeft: number): boolean => {
    if (at === n && opsLeft === 0) return fracEquals(stack[0], goal);
    if (at < n && run(perm, at + 1, [...stack, frac(perm[at])], opsLeft)) return true;
    if (stack.length >= 2 && opsLeft > 0) {
      const b = stack[stack.length - 1];
      const a = stack[stack.length - 2];
      for (const op of ops) {
        const v = apply(op, a, b);
        if (v !== null && run(perm, at, [...stack.slice(0, -2), v], opsLeft - 1)) return true;
      }
    }
    return false;
  };
  for (const perm of permutations(values)) if (run(perm, 0, [], n - 1)) return true;
  return false;
}

/** Whether the started formula can be completed, token by token, into one equal to target. */
export function completable(model: FormulaModel, target: number, alphabet: readonly string[]): boolean {
  if (model.complete) {
    const v = model.value();
    return v !== null && fracEquals(v, frac(target));
  }
  for (const t of alphabet) {
    if (t === '=' || !model.legal(t)) continue;
    const next = model.clone();
    next.push(t);
    if (completable(next, target, alphabet)) return true;
  }
  return false;
}

/** Parses "Cards: 3, 10\nTarget: 12\nFormula: 3*" */
export function parseCardObservation(text: string): { cards: number[]; target: number; formula: string } {
  const m = /^Cards: ([\d, ]+)\nTarget: (\d+)\nFormula:(?: (.*))?$/.exec(text);
  if (!m) throw new Error('unexpected observation ' + JSON.stringify(text));
  return { cards: m[1].split(', ').map(Number), target: Number(m[2]), formula: m[3] ?? '' };
}
