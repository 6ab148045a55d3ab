import { hostname } from 'node:os'
import cron, { type ScheduledTask } from 'node-cron'
import type { MethodName } from '../../../shared/api'
import type { Dispatch } from '../dispatcher'

export interface JobSpec {
  /** Shown as the actor of the journal entries the job writes. */
  name: string
  /** A node-cron expression, in the clinic's time zone. */
  schedule: string
  method: MethodName
  input?: unknown
}

export interface JobHost {
  add(job: JobSpec): void
  /** Runs a job now, as its schedule would; resolves with the method's result. */
  run(name: string): Promise<unknown>
  /** Stops every schedule and waits for a job that is running to finish. */
  stop(): Promise<void>
  readonly names: string[]
}

/**
 * Background jobs (session clean-up today; reminders, backups and sync next). A job calls an
 * API method through the dispatcher as the system, so its role is checked against the API
 * table and its writes are journaled like anyone's. A job never overlaps itself.
 */
export function createJobHost(dispatch: Dispatch, options: { timeZone: () => string; log: (message: string, error?: unknown) => void; scheduled: boolean }): JobHost {
  const jobs = new Map<string, { spec: JobSpec; task: ScheduledTask | null }>()
  const running = new Set<Promise<unknown>>()
  const busy = new Set<string>()
  let stopped = false

  async function run(name: string): Promise<unknown> {
    const job = jobs.get(name)
    if (!job) throw new Error(`No job named ${name}`)
    if (stopped || busy.has(name)) return undefined
    busy.add(name)
    const work = dispatch(job.spec.method, job.spec.input ?? {}, { job: name, device: `job@${hostname()}` }).then((result) => {
      if (!result.ok) options.log(`job ${name} failed: ${result.error.code} ${result.error.message}`)
      return result.ok ? result.value : undefined
    })
    running.add(work)
    try {
      return await work
    } finally {
      running.delete(work)
      busy.delete(name)
    }
  }

  return {
    add(spec) {
      if (jobs.has(spec.name)) throw new Error(`Two jobs named ${spec.name}`)
      if (!cron.validate(spec.schedule)) throw new Error(`Job ${spec.name}: "${spec.schedule}" is not a cron schedule`)
      // Unscheduled (tests): the job runs only when run() is called.
      const task = options.scheduled ? cron.schedule(spec.schedule, () => void run(spec.name).catch((error) => options.log(`job ${spec.name} failed`, error)), {
        name: spec.name,
        timezone: options.timeZone(),
        noOverlap: true
      }) : null
      jobs.set(spec.name, { spec, task })
    },
    run,
    async stop() {
      stopped = true
      for (const { task } of jobs.values()) await task?.destroy()
      await Promise.allSettled([...running])
    },
    get names() {
      return [...jobs.keys()]
    }
  }
}
