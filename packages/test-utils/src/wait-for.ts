/** Poll `condition` until it holds; fail with `what` after `timeoutMs`. Tests wait for events, never for fixed times. */
export async function waitFor (what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (true) {
    if (await condition()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, intervalMs))
  }
}
