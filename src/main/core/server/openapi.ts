import { z } from 'zod'
import { api, type MethodSpec } from '../../../shared/api'

/** The OpenAPI document, generated from the one API table. */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {}
  for (const [name, raw] of Object.entries(api)) {
    const spec = raw as MethodSpec
    const roles = spec.roles === 'public' ? 'anyone' : spec.roles.join(', ')
    paths[`/api/${name}`] = {
      post: {
        operationId: name,
        summary: spec.summary,
        description: `Allowed: ${roles}. ${spec.writes ? 'Writes.' : 'Reads only.'}`,
        security: spec.roles === 'public' ? [] : [{ session: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(spec.input, { io: 'input', unrepresentable: 'any' }) } } },
        responses: {
          '200': { description: '`{ ok: true, value }`' },
          '400': { description: 'VALIDATION: `{ ok: false, error: { code, message, fields } }`' },
          '401': { description: 'UNAUTHENTICATED' },
          '403': { description: 'FORBIDDEN' },
          '404': { description: 'NOT_FOUND' },
          '409': { description: 'CONFLICT' },
          '413': { description: 'PAYLOAD_TOO_LARGE' }
        }
      }
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'DocSpot hub API', version },
    components: { securitySchemes: { session: { type: 'http', scheme: 'bearer' } } },
    paths
  }
}
