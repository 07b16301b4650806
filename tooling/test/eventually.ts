/**
 * Retries an assertion until it passes or `timeoutMs` has passed (then rethrows its last failure): for effects
 * that happen after the call returns, such as exit-module deliveries from the outbox.
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
