// The step barrier of schedule 'step': no trajectory starts step t + 1 before every trajectory
// still running has finished step t. Trajectories that end leave the barrier, so it never waits
// for them. With schedule 'trajectory' there is no barrier at all.
export class StepBarrier {
  private parties: number;
  private arrived = 0;
  private release: (() => void) | undefined;
  private gate: Promise<void> | undefined;

  constructor(parties: number) {
    this.parties = parties;
  }

  /** Resolves once every remaining party has arrived at this step. */
  arrive(): Promise<void> {
    this.gate ??= new Promise<void>((resolve) => (this.release = resolve));
    const gate = this.gate;
    this.arrived++;
    this.openIfComplete();
    return gate;
  }

  /** A party ended: the others no longer wait for it. */
  leave(): void {
    this.parties--;
    this.openIfComplete();
  }

  private openIfComplete(): void {
    if (this.gate === undefined || this.arrived < this.parties) return;
    const release = this.release!;
    this.gate = undefined;
    this.release = undefined;
    this.arrived = 0;
    release();
  }
}
