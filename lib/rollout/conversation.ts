// promptMode 'conversation': the whole trajectory is one growing chat, kept as token ids. The
// prompt of step t + 1 is the prompt of step t, then the ids the policy sampled at step t exactly
// as sampled, then the ids of the new text (the end of the answer, the next observation's turn and
// the opening of the next answer). Only that new text is ever tokenized: no response is decoded
// and re-encoded, so a trainer sees the very tokens the sampler produced.
import { GigpoArgumentError } from '../errors.js';
import type { PolicyResponse, TokenPolicy } from '../policy/types.js';

/** How turns are written around the messages (the model's chat template, as text with special tokens). */
export interface ChatFormat {
  /** Opens the conversation with the system message. */
  system(content: string): string;
  /** One user turn, then the opening of the assistant's answer. */
  user(content: string): string;
  /** Closes an answer: written after its sampled ids, before the next user turn. */
  endOfAnswer: string;
}

/** ChatML (Qwen, many RL-tuned models): `<|im_start|>role\n...<|im_end|>\n`. */
export const CHATML: ChatFormat = {
  system: (content) => `<|im_start|>system\n${content}<|im_end|>\n`,
  user: (content) => `<|im_start|>user\n${content}<|im_end|>\n<|im_start|>assistant\n`,
  endOfAnswer: '<|im_end|>\n',
};

export class Conversation {
  private ids = new Int32Array(256);
  private length = 0;
  /** Sampled (1) or engine-written (0), per id. */
  private sampled = new Uint8Array(256);
  private text = '';

  constructor(
    private readonly tokens: TokenPolicy,
    private readonly format: ChatFormat,
  ) {}

  /**
   * Appends the turn of step `step` (the system message too at step 0) and returns the whole
   * prompt. The returned arrays are views that later steps never overwrite (they only append).
   */
  async prompt(
    request: { group: number; traj: number; step: number },
    system: string,
    user: string,
    signal?: AbortSignal,
  ): Promise<{ ids: Int32Array; sampledMask: Uint8Array; text: string }> {
    const first = request.step === 0;
    const segment = first ? this.format.system(system) + this.format.user(user) : this.format.endOfAnswer + this.format.user(user);
    const ids = await this.tokens.tokenize(segment, { addSpecial: first, request }, signal);
    this.append(ids, 0);
    this.text += segment;
    return { ids: this.ids.subarray(0, this.length), sampledMask: this.sampled.subarray(0, this.length), text: this.text };
  }

  /** Appends the ids the policy sampled for the last prompt. */
  answered(response: PolicyResponse): void {
    if (!response.responseIds)
      throw new GigpoArgumentError('policy response', "promptMode 'conversation' needs responseIds (token ids of the answer)");
    this.append(response.responseIds, 1);
    this.text += response.text;
  }

  private append(ids: ArrayLike<number>, sampled: number): void {
    const end = this.length + ids.length;
    if (end > this.ids.length) {
      // New buffers, never a resize in place: rows already hold views of the old ones.
      let cap = this.ids.length * 2;
      while (cap < end) cap *= 2;
      const next = new Int32Array(cap);
      next.set(this.ids.subarray(0, this.length));
      const mask = new Uint8Array(cap);
      mask.set(this.sampled.subarray(0, this.length));
      this.ids = next;
      this.sampled = mask;
    }
    this.ids.set(ids, this.length);
    this.sampled.fill(sampled, this.length, end);
    this.length = end;
  }
}
