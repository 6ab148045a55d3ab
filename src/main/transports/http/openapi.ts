import { z } from 'zod'
import { api, type MethodSpec } from '../../../shared/api'

/** The OpenAPI document, generated from the one API table. */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {}
  for (const [name, raw] of Object.entries(api)) {
    const spec = raw as MethodSpec
    // Background jobs' methods are the core's own: no transport may call them.
    if (spec.roles !== 'public' && spec.roles.every((r) => r === 'system')) continue
    const roles = spec.roles === 'public' ? 'anyone' : spec.roles.join(', ')
    const schema = z.toJSONSchema(spec.input, { io: 'input', unrepresentable: 'any' })
    const requestBody = spec.upload
      ? {
          required: true,
          description: `The file's bytes. The other fields go in the DocSpot-Input header as URI-encoded JSON. At most ${spec.upload.maxBytes} bytes.`,
          content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } }
        }
      : { required: true, content: { 'application/json': { schema } } }
    const ok = spec.download ? { description: 'The file itself, with its Content-Type; 204 when there is none' } : { description: '`{ ok: true, value }`' }
    paths[`/api/${name}`] = {
      post: {
        operationId: name,
        summary: spec.summary,
        description: `Allowed: ${roles}. ${spec.writes ? 'Writes.' : 'Reads only.'}`,
        security: spec.roles === 'public' ? [] : [{ session: [] }],
        requestBody,
        responses: {
          '200': ok,
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
