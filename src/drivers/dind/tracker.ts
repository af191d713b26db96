// Remembers every engine call a bring-up started, so that a failed or interrupted `up` can wait
// for all of them before removing the lab: a container still being created when the teardown
// lists the lab's resources would otherwise be missed and leak.
export class InflightTracker {
  private readonly pending = new Set<Promise<unknown>>();

  track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    const forget = () => this.pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
