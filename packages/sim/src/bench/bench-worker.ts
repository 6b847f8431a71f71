import { Worker, parentPort, workerData } from 'node:worker_threads'

/** What a worker answers: the result of one operation, or why it failed. */
type Reply = { id: number, result: unknown } | { id: number, error: string }
type Operations = Record<string, (args: any) => Promise<unknown>>

/** The reply id of the worker's start (its `start` function), before any operation. */
const STARTED = 0

/**
 * A peer of a benchmark in a thread of its own, as it would be in a process of its own in the
 * mesh: its CPU work (Noise, disk, GC) does not share the event loop of the peer being measured.
 * Operations are asked one at a time and answered in order.
 */
export class BenchWorker<Started> {
  /** What the worker's start resolved with. */
  started!: Started
  private nextId = STARTED + 1
  private readonly waiting = new Map<number, { resolve: (result: any) => void, reject: (error: Error) => void }>()

  private constructor (private readonly worker: Worker, what: string) {
    worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id)
      this.waiting.delete(reply.id)
      if ('error' in reply) waiter?.reject(new Error(`${what}: ${reply.error}`))
      else waiter?.resolve(reply.result)
    })
    const failAll = (error: Error): void => {
      for (const waiter of this.waiting.values()) waiter.reject(error)
      this.waiting.clear()
    }
    worker.on('error', error => { failAll(new Error(`${what}: ${error.message}`)) })
    worker.on('exit', code => { failAll(new Error(`${what}: the worker exited (code ${code})`)) })
  }

  /** Starts the worker module at `url` with `data`; resolves once its start has. */
  static async start<Started> (url: URL, what: string, data: unknown): Promise<BenchWorker<Started>> {
    const worker = new BenchWorker<Started>(new Worker(url, { workerData: data }), what)
    worker.started = await worker.reply<Started>(STARTED)
    return worker
  }

  private async reply<T> (id: number): Promise<T> {
    return new Promise<T>((resolve, reject) => { this.waiting.set(id, { resolve, reject }) })
  }

  async ask<T> (op: string, args?: unknown): Promise<T> {
    const id = this.nextId++
    const answer = this.reply<T>(id)
    this.worker.postMessage({ id, op, args })
    return answer
  }

  /** Asks the worker's `stop` operation, then waits for the thread to end. */
  async stop (): Promise<void> {
    const exited = new Promise(resolve => this.worker.once('exit', resolve))
    await this.ask('stop').catch(() => {})
    await this.worker.terminate()
    await exited
  }
}

/**
 * The worker's side: runs `start` on the worker data, then answers each operation asked. `stop`
 * must be among the operations.
 */
export function serveBenchWorker<Data> (start: (data: Data) => Promise<{ started: unknown, operations: Operations }>): void {
  const port = parentPort
  if (port == null) throw new Error('serveBenchWorker runs in a worker thread')
  const answer = async (id: number, work: () => Promise<unknown>): Promise<void> => {
    try {
      port.postMessage({ id, result: await work() })
    } catch (err: any) {
      port.postMessage({ id, error: err?.stack ?? String(err) })
    }
  }
  void start(workerData as Data).then(({ started, operations }) => {
    port.on('message', ({ id, op, args }: { id: number, op: string, args: unknown }) => {
      const operation = operations[op]
      void answer(id, async () => {
        if (operation == null) throw new Error(`no operation ${op}`)
        return operation(args)
      })
    })
    port.postMessage({ id: STARTED, result: started })
  }, (err: any) => { port.postMessage({ id: STARTED, error: err?.stack ?? String(err) }) })
}
