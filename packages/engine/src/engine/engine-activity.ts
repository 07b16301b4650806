/**
 * The engine's operations in flight (submissions, approvals, revocations, CRL publications, …): the load that the
 * exit-module thread yields to (see delivery-pacer.ts). Its event loop's utilization is the wrong signal there:
 * while delivery took the CPU, the engine waited for its signature thread and looked idle.
 */
export class EngineActivity {
  private inFlight = 0;
  private ranSinceLook = false;

  /** Counts `operation` until it settles. */
  track<T>(operation: Promise<T>): Promise<T> {
    this.inFlight++;
    this.ranSinceLook = true;
    return operation.finally(() => {
      this.inFlight--;
    });
  }

  /** True when an operation ran at any time since the previous look. */
  busySinceLastLook(): boolean {
    const busy = this.ranSinceLook || this.inFlight > 0;
    this.ranSinceLook = false;
    return busy;
  }
}
