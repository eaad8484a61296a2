import { describe, expect, it } from 'vitest';
import { createEnvBatch, envInfo, HOLD_ACTION, INVALID_ACTION, type EnvBatch } from '../lib/index.js';
import { playOracleEpisodes } from './helpers/oracle-episodes.js';

// ---- reading the pages ----------------------------------------------------------------

interface Goal {
  noun: string;
  attributes: string[];
  options: { label: string; value: string }[];
  budget: number;
}

const OPTION_PHRASES: [RegExp, string][] = [
  [/^in size (.+)$/, 'size'],
  [/^in the (.+) size$/, 'size'],
  [/^in (.+) size$/, 'size'],
  [/^in (.+) color$/, 'color'],
  [/^with (.+) scent$/, 'scent'],
  [/^in (.+) flavor$/, 'flavor'],
  [/^in a (pack of \d+)$/, 'count'],
  [/^in (.+) length$/, 'length'],
  [/^with (.+) capacity$/, 'capacity'],
];

function parseGoal(instruction: string): Goal {
  const m =
    /^(?:i need|i am looking for|find me) (?:a|an|some) (.+?) that (?:is|are) (.+?)(?:, ((?:in|with) .+?))?, (?:and|with) price lower than (\d+)\.00 dollars$/.exec(
      instruction,
    );
  if (!m) throw new Error('unexpected instruction: ' + instruction);
  const options = (m[3] ? m[3].split(' and ') : []).map((phrase) => {
    for (const [re, label] of OPTION_PHRASES) {
      const o = re.exec(phrase);
      if (o) return { label, value: o[1] };
    }
    throw new Error('unexpected option phrase: ' + phrase);
  });
  return { noun: m[1], attributes: m[2].split(/, | and /), options, budget: Number(m[4]) };
}

interface Page {
  instruction: string;
  body: string[];
  actions: string[];
}

function parsePage(text: string): Page {
  const lines = text.split('\n');
  expect(lines[0].startsWith('Instruction: ')).toBe(true);
  const last = lines[lines.length - 1];
  expect(last.startsWith('Actions: ')).toBe(true);
  const actions = last === 'Actions: search[...]' ? ['search[...]'] : last.slice(9).split(/, (?=click\[)/);
  return { instruction: lines[0].slice(13), body: lines.slice(1, -1), actions };
}

interface Item {
  title: string;
  category: string;
  noun: string;
  price: number;
  options: { label: string; values: string[]; selected: string | null }[];
}

function parseItem(page: Page): Item {
  const [title, cat, price, ...rows] = page.body;
  const c = /^Category: (.+) > (.+)$/.exec(cat)!;
  const p = /^Price: \$(\d+\.\d\d)$/.exec(price)!;
  expect(c).not.toBeNull();
  expect(p).not.toBeNull();
  const options = rows.map((row) => {
    const o = /^([a-z]+):((?: \[[^\]]+\])+) \(selected: (.+)\)$/.exec(row);
    if (!o) throw new Error('unexpected option row: ' + row);
    const values = [...o[2].matchAll(/\[([^\]]+)\]/g)].map((v) => v[1]);
    return { label: o[1], values, selected: o[3] === 'none' ? null : o[3] };
  });
  return { title, category: c[1], noun: c[2], price: Number(p[1]), options };
}

function resultIds(page: Page): string[] {
  return page.body.filter((l) => l.startsWith('[')).map((l) => /^\[(B0[0-9A-Z]{8})\] /.exec(l)![1]);
}

// The reward formula, written from the definition, for cross-checking the env.
function expectedReward(goal: Goal, goalCategory: string, item: Item, attributes: string[]): number {
  const typeMatch = item.noun === goal.noun ? 1 : item.category === goalCategory ? 0.5 : 0.1;
  let matched = goal.attributes.filter((a) => attributes.includes(a)).length;
  matched += goal.options.filter((o) => item.options.some((r) => r.label === o.label && r.selected === o.value)).length;
  matched += item.price <= goal.budget ? 1 : 0;
  return (typeMatch * matched) / (goal.attributes.length + goal.options.length + 1);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- driving ---------------------------------------------------------------------------

const page = (b: EnvBatch, i = 0): Page => parsePage(b.observation(i));

function shop(numEnvs: number, seed: number, options = {}, groupSize = numEnvs): EnvBatch {
  return createEnvBatch({ env: 'shop', numEnvs, groupSize, seed, options });
}

// Types the same action into every env (all in the same state); returns env 0's page.
function act(b: EnvBatch, action: string): Page {
  b.stepText(new Array<string>(b.numEnvs).fill(`<action>${action}</action>`));
  expect(b.valid[0]).toBe(1);
  return page(b);
}

describe('shop', () => {
  it('is registered with its options', () => {
    expect(envInfo('shop')?.options.map((o) => o.name)).toEqual(['profile', 'maxSteps', 'requireThink', 'catalogSeed', 'catalogSize']);
    const b = shop(1, 1);
    expect(b.maxSteps).toBe(15);
    expect(b.numActions).toBe(18);
    expect(b.hasOracle).toBe(true);
  });

  it('starts on the search page, where only search is valid', () => {
    const b = shop(1, 4);
    const text = b.observation(0);
    const p = parsePage(text);
    expect(p.body).toEqual(['Search page: type search[your query] to find products.']);
    expect(p.actions).toEqual(['search[...]']);
    parseGoal(p.instruction);
    const anchor = b.anchors[0];
    for (const bad of ['<action>click[buy now]</action>', '<action>search[]</action>', '<action>buy</action>', 'search[shoes]']) {
      b.stepText([bad]);
      expect(b.valid[0]).toBe(0);
      expect(b.rewards[0]).toBe(0);
      expect(b.observation(0)).toBe(text);
      expect(b.anchors[0]).toBe(anchor);
    }
    // Action id 0 without a parsed query, and ids of elements that are not there, are invalid too.
    for (const a of [0, 1, 17, INVALID_ACTION]) {
      b.step(new Int32Array([a]));
      expect(b.valid[0]).toBe(0);
      expect(b.observation(0)).toBe(text);
    }
    expect(b.actionName(0, 0)).toBe('search[]');
  });

  it('searches with BM25 over titles and attributes, ten results a page', () => {
    const b = shop(1, 2, { maxSteps: 100 });
    let p = act(b, 'search[Cotton  T-Shirt]');
    expect(p.body[0]).toMatch(/^Results for "cotton t-shirt": page 1 of 5 \(50 products\)$/);
    const ids = resultIds(p);
    expect(ids).toHaveLength(10);
    expect(p.actions).toEqual(['click[back to search]', 'click[next >]', ...ids.map((id) => `click[${id}]`)]);
    // Every result holds a query word in its title or its features; the best ones are
    // cotton t-shirts.
    const seen = ids.map((id) => {
      const item = parseItem(act(b, `click[${id}]`));
      const features = act(b, 'click[features]').body.slice(2);
      act(b, 'click[< prev]');
      act(b, 'click[< prev]');
      return { item, features };
    });
    for (const { item, features } of seen)
      expect(/cotton|\bt\b|shirt/.test((item.title + ' ' + features.join(' ')).toLowerCase())).toBe(true);
    for (const { item, features } of seen.slice(0, 3)) {
      expect(item.noun).toBe('t-shirt');
      expect(features).toContain('- cotton');
    }

    // An exact title finds its own product first.
    const target = p.body[7].replace(/^\[\w+\] /, '').replace(/ \| \$.*$/, '');
    act(b, 'click[back to search]');
    p = act(b, `search[${target}]`);
    expect(p.body[1]).toContain('] ' + target + ' | $');

    // A query with no known word finds nothing.
    act(b, 'click[back to search]');
    p = act(b, 'search[zzzqqq]');
    expect(p.body).toEqual(['Results for "zzzqqq": no products found.']);
    expect(p.actions).toEqual(['click[back to search]']);
  });

  it('pages through results and moves between item, description and features pages', () => {
    const b = shop(1, 6);
    const start = b.observation(0);
    const startAnchor = b.anchors[0];
    const page1 = act(b, 'search[waterproof hiking boots]');
    const page1Text = b.observation(0);
    const page1Anchor = b.anchors[0];
    const page2 = act(b, 'click[next >]');
    expect(page2.body[0]).toMatch(/page 2 of \d \(\d+ products\)$/);
    expect(page2.actions.slice(0, 3)).toEqual(['click[back to search]', 'click[< prev]', 'click[next >]']);
    expect(resultIds(page2).some((id) => resultIds(page1).includes(id))).toBe(false);
    act(b, 'click[< prev]');
    expect(b.observation(0)).toBe(page1Text);
    expect(b.anchors[0]).toBe(page1Anchor);

    const id = resultIds(page1)[0];
    let p = act(b, `click[${id.toLowerCase()}]`); // ids match ignoring case
    const item = parseItem(p);
    expect(item.noun).toBe('hiking boots');
    expect(item.category).toBe('footwear');
    expect(item.options.map((o) => o.label)).toEqual(['size', 'color']);
    expect(item.options.every((o) => o.selected === null && o.values.length >= 2)).toBe(true);
    const values = item.options.flatMap((o) => o.values);
    expect(p.actions).toEqual([
      'click[back to search]',
      'click[< prev]',
      ...values.map((v) => `click[${v}]`),
      'click[description]',
      'click[features]',
      'click[buy now]',
    ]);
    // Selecting options: the last click of a row wins.
    const size = item.options[0].values;
    act(b, `click[${size[0]}]`);
    p = act(b, `click[${size[1]}]`);
    expect(parseItem(p).options[0].selected).toBe(size[1]);
    p = act(b, `click[${item.options[1].values[0]}]`);
    const selectedText = b.observation(0);

    p = act(b, 'click[description]');
    expect(p.body[0]).toBe(item.title);
    expect(p.body[1]).toMatch(/^Description: This hiking boots from [A-Z][a-z]+ is [a-z ]+ and [a-z ]+\. .+\.$/);
    expect(p.actions).toEqual(['click[back to search]', 'click[< prev]']);
    act(b, 'click[< prev]');
    expect(b.observation(0)).toBe(selectedText); // the selection is kept
    p = act(b, 'click[features]');
    expect(p.body[1]).toBe('Features:');
    const features = p.body.slice(2);
    expect(features.length).toBeGreaterThanOrEqual(2);
    expect(features.length).toBeLessThanOrEqual(5);
    expect(features.every((f) => /^- [a-z ]+$/.test(f))).toBe(true);
    act(b, 'click[< prev]');
    act(b, 'click[< prev]');
    expect(b.observation(0)).toBe(page1Text);
    act(b, 'click[back to search]');
    expect(b.observation(0)).toBe(start);
    expect(b.anchors[0]).toBe(startAnchor);
  });

  it('pays at purchase exactly the WebShop formula, in all its cases', () => {
    // Env 2k follows the oracle (it learns the goal's category), env 2k+1 browses at
    // random (random queries, results and options); both check the env's reward against
    // the formula computed from the pages they saw.
    const groups = 150;
    const b = shop(2 * groups, 31, {}, 2);
    const rand = mulberry32(7);
    const nouns = [
      't-shirt',
      'jeans',
      'sneakers',
      'sandals',
      'shampoo',
      'lip balm',
      'granola',
      'honey',
      'bath towel',
      'coffee mug',
      'earbuds',
      'power bank',
    ];
    interface Track {
      phase: 'search' | 'results' | 'item' | 'options' | 'back' | 'buy' | 'done';
      query: string;
      item?: Item;
      attributes?: string[];
      toClick: string[];
      reward?: number;
      expected?: number;
    }
    const goals = Array.from({ length: groups }, (_, g) => parseGoal(page(b, 2 * g).instruction));
    const tracks: Track[] = Array.from({ length: 2 * groups }, (_, i) => {
      const goal = goals[i >> 1];
      const query = rand() < 0.5 ? [goal.noun, ...goal.attributes].join(' ') : nouns[Math.floor(rand() * nouns.length)];
      return { phase: 'search', query, toClick: [] };
    });
    const goalCategory: string[] = new Array(groups).fill('');
    for (let t = 0; t < 15 && tracks.some((k) => k.phase !== 'done'); t++) {
      const oracle = b.oracleActions();
      const texts: (string | null)[] = tracks.map((k, i) => {
        if (k.phase === 'done') return null;
        const p = page(b, i);
        if (i % 2 === 0) {
          const name = b.actionName(i, oracle[i]);
          if (name === 'click[buy now]') {
            k.item = parseItem(p);
            goalCategory[i >> 1] = k.item.category;
          }
          return `<action>${name}</action>`;
        }
        if (k.phase === 'item') {
          // Plan the option clicks: the goal's value, a random one, or none; then click as in the options phase.
          const goal = goals[i >> 1];
          for (const row of parseItem(p).options) {
            const want = goal.options.find((o) => o.label === row.label)?.value;
            const r = rand();
            if (r < 0.5 && want && row.values.includes(want)) k.toClick.push(want);
            else if (r < 0.8) k.toClick.push(row.values[Math.floor(rand() * row.values.length)]);
          }
          k.phase = 'options';
        }
        switch (k.phase) {
          case 'search':
            k.phase = 'results';
            return `<action>search[${k.query}]</action>`;
          case 'results': {
            const ids = resultIds(p);
            k.phase = 'item';
            return `<action>click[${ids[Math.floor(rand() * ids.length)]}]</action>`;
          }
          case 'options':
            if (k.toClick.length > 0) return `<action>click[${k.toClick.shift()}]</action>`;
            k.item = parseItem(p);
            k.phase = 'back';
            return '<action>click[features]</action>';
          case 'back':
            k.attributes = p.body.slice(2).map((f) => f.slice(2));
            k.phase = 'buy';
            return '<action>click[< prev]</action>';
          case 'buy':
            expect(parseItem(p)).toEqual(k.item); // the selection survived the features page
            return '<action>click[buy now]</action>';
        }
        return null;
      });
      b.stepText(texts);
      tracks.forEach((k, i) => {
        if (texts[i] === null) return;
        expect(b.valid[i]).toBe(1);
        if (b.done[i]) {
          k.phase = 'done';
          k.reward = b.rewards[i];
        } else {
          expect(b.rewards[i]).toBe(0);
        }
      });
    }
    expect(tracks.every((k) => k.phase === 'done')).toBe(true);

    const cases = { full: 0, partial: 0, overBudget: 0, sameCategory: 0, otherCategory: 0, missedOption: 0 };
    for (let g = 0; g < groups; g++) {
      const goal = goals[g];
      const oracle = tracks[2 * g];
      expect(oracle.item!.noun).toBe(goal.noun);
      expect(oracle.reward).toBeGreaterThan(0.5);
      const k = tracks[2 * g + 1];
      const expected = expectedReward(goal, goalCategory[g], k.item!, k.attributes!);
      expect(k.reward).toBeCloseTo(expected, 6);
      if (expected === 1) cases.full++;
      else if (expected > 0) cases.partial++;
      if (k.item!.price > goal.budget) cases.overBudget++;
      if (k.item!.noun !== goal.noun && k.item!.category === goalCategory[g]) cases.sameCategory++;
      if (k.item!.category !== goalCategory[g]) cases.otherCategory++;
      if (goal.options.some((o) => !k.item!.options.some((r) => r.label === o.label && r.selected === o.value))) cases.missedOption++;
    }
    for (const [name, count] of Object.entries(cases)) expect(count, name).toBeGreaterThan(0);
  });

  it('pays nothing without a purchase and truncates at maxSteps', () => {
    const b = shop(1, 3, { maxSteps: 4 });
    act(b, 'search[socks]');
    const id = resultIds(page(b))[0];
    act(b, `click[${id}]`);
    act(b, 'click[description]');
    b.stepText(['<action>click[< prev]</action>']);
    expect(b.rewards[0]).toBe(0);
    expect(b.done[0]).toBe(0);
    expect(b.truncated[0]).toBe(1);
  });

  it('the oracle reaches a mean reward of at least 0.9 over 1000 seeds', () => {
    const n = 1000;
    const played = playOracleEpisodes(shop(n, 2025, {}, 1), 15);
    expect(played.invalidActions).toBe(0);
    expect(played.finished.every((f) => f === 1)).toBe(true);
    const mean = played.lastReward.reduce((a, r) => a + r, 0) / n;
    expect(mean).toBeGreaterThanOrEqual(0.9);
    expect(mean).toBeCloseTo(0.9994, 3);
  });

  it('parses search[...] and click[...] from the last <action>', () => {
    const b = shop(4, 8);
    expect(
      Array.from(
        b.parse(['<action>search[ Red  Hoodie ]</action>', '<action>click[next >]</action>', '<action>search [x]</action>', 'search[x]']),
      ),
    ).toEqual([0, INVALID_ACTION, INVALID_ACTION, INVALID_ACTION]);
    // The parsed query is what id 0 searches; it is normalised.
    expect(b.actionName(0, 0)).toBe('search[red hoodie]');
    b.step(new Int32Array([0, HOLD_ACTION, HOLD_ACTION, HOLD_ACTION]));
    expect(b.valid[0]).toBe(1);
    expect(page(b, 0).body[0]).toMatch(/^Results for "red hoodie": /);
    const ids = resultIds(page(b, 0));
    const parsed = b.parse([
      `<action>CLICK[${ids[2].toLowerCase()}].</action>`,
      '<action>x</action>',
      '',
      '<action>click[buy now]</action>',
    ]);
    expect(parsed[0]).toBe(page(b, 0).actions.indexOf(`click[${ids[2]}]`) + 1);
    expect(b.actionName(0, parsed[0])).toBe(`click[${ids[2]}]`);
    expect(Array.from(parsed.slice(1))).toEqual([INVALID_ACTION, INVALID_ACTION, INVALID_ACTION]);
    // A very long query is cut to 120 bytes; the page stays within its bound.
    const c = shop(1, 8);
    act(c, `search[${'cotton '.repeat(2000)}]`);
    expect(page(c).body[0]).toBe(`Results for "${'cotton '.repeat(17)}c": page 1 of 5 (50 products)`);
    const t = shop(2, 8, { requireThink: true });
    expect(Array.from(t.parse(['<action>search[x]</action>', '<think>.</think><action>search[x]</action>']))).toEqual([-1, 0]);
  });

  it('is deterministic per seed, starts a group identically and takes its catalog from its options', () => {
    const a = shop(8, 77, {}, 4);
    const b = shop(8, 77, {}, 4);
    expect(a.observations()).toEqual(b.observations());
    expect(a.observation(3)).toBe(a.observation(0));
    expect(a.anchors[3]).toBe(a.anchors[0]);
    expect(a.observation(4)).not.toBe(a.observation(0));
    act(a, 'search[shampoo]');
    act(b, 'search[shampoo]');
    expect(a.observations()).toEqual(b.observations());
    // Another catalog seed is another catalog (other ids and titles).
    const c = shop(8, 77, { catalogSeed: 5 }, 4);
    act(c, 'search[shampoo]');
    expect(resultIds(page(c))).not.toEqual(resultIds(page(a)));
    const small = shop(1, 1, { catalogSize: 100 });
    const found = /\((\d+) products\)$/.exec(act(small, 'search[free]').body[0]);
    expect(Number(found![1])).toBeLessThan(50);
    expect(act(a, 'click[back to search]') && act(a, 'search[free]').body[0]).toMatch(/\(50 products\)$/);
    expect(() => shop(1, 1, { catalogSize: 50 })).toThrow(/options\.catalogSize: must be in \[100, 1000000\], got 50/);
    expect(() => shop(1, 1, { catalogSeed: -1 })).toThrow(RangeError);
    expect(() => shop(1, 1, { catalog: 1 })).toThrow(/options\.catalog: unknown option for env 'shop'/);
  });
});
