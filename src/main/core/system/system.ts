import type { HandlerGroup } from '../context'

export const systemHandlers: HandlerGroup = {
  'system.health': async (ctx) => ({
    status: 'ok',
    version: ctx.services.version,
    schemaVersion: ctx.services.schemaVersion,
    time: ctx.now.toISOString(),
    connection: ctx.services.connection
  })
}
