// Interning of observation texts: each distinct text gets the next index, in order of
// first appearance (the observation table of a StepBatch).
import { packText, type RaggedText } from './step-batch.js';

export class TextTable {
  private readonly index = new Map<string, number>();
  private readonly texts: string[] = [];

  /** The index of `text`, adding it when new. */
  intern(text: string): number {
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.texts.length;
      this.index.set(text, i);
      this.texts.push(text);
    }
    return i;
  }

  pack(): RaggedText {
    return packText(this.texts);
  }
}
