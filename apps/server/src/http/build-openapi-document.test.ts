import { describe, expect, it } from 'vitest';
import { API_ROUTES } from './api-routes';
import { NAMED_SCHEMAS, submitBodySchema } from './api-schemas';
import { buildOpenApiDocument } from './build-openapi-document';

/** The document as a client reads it: parsed JSON. */
type Doc = ReturnType<typeof JSON.parse>;

describe('buildOpenApiDocument', () => {
  const doc = buildOpenApiDocument({ version: '1.2.3', serverUrl: 'https://ca.certexit.test:8443' }) as Doc;

  it('is OpenAPI 3.1 with one operation per route, in OpenAPI path syntax', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'https://ca.certexit.test:8443' }]);
    for (const route of API_ROUTES) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      expect(path).not.toContain(':');
      expect(doc.paths[path]?.[route.method.toLowerCase()]?.operationId, `${route.method} ${path}`).toBe(
        route.operationId,
      );
    }
    const operations: Doc[] = Object.values(doc.paths as Record<string, Doc>).flatMap((p) => Object.values(p as Doc));
    expect(operations).toHaveLength(API_ROUTES.length);
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(API_ROUTES.length);
  });

  it('documents path and query parameters from the route schemas', () => {
    const get = doc.paths['/v1/requests/{id}']!.get;
    expect(get.parameters).toEqual([
      {
        name: 'id',
        in: 'path',
        required: true,
        description: 'RequestID.',
        schema: { type: 'integer', minimum: 1, maximum: 2147483647 },
      },
    ]);
    const list = doc.paths['/v1/requests']!.get;
    expect(
      list.parameters.map((p: { name: string; in: string; required: boolean }) => [p.name, p.in, p.required]),
    ).toEqual([
      ['disposition', 'query', false],
      ['limit', 'query', false],
    ]);
  });

  it('refers to the named schemas, which are the very objects fastify validates with', () => {
    expect(doc.paths['/v1/requests']!.post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/SubmitRequest',
    });
    expect(doc.components.schemas.SubmitRequest).toEqual(submitBodySchema);
    expect(Object.keys(doc.components.schemas)).toEqual(Object.keys(NAMED_SCHEMAS));
    expect(doc.components.schemas.RequestOutcome.properties.deliveries.items).toEqual({
      $ref: '#/components/schemas/Delivery',
    });
    for (const ref of JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? []) {
      expect(doc.components.schemas).toHaveProperty(ref.split('/').at(-1)!);
    }
  });

  it('states the security of every operation: bearer, none, or anonymous-or-bearer for metrics', () => {
    expect(doc.components.securitySchemes).toHaveProperty(
      'bearerAuth',
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(doc.paths['/v1/requests/{id}/approve']!.post.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/healthz']!.get.security).toEqual([]);
    expect(doc.paths['/metrics']!.get.security).toEqual([{}, { bearerAuth: [] }]);
    expect(doc.paths['/v1/requests/{id}/certificate']!.get.responses['200'].content).toHaveProperty(
      'application/x-pem-file',
    );
  });

  it('documents an error response for every refusal a route can give', () => {
    for (const route of API_ROUTES) {
      if (route.access === 'public') continue;
      const operation = doc.paths[route.url.replace(/:(\w+)/g, '{$1}')]![route.method.toLowerCase()];
      expect(operation.responses['401'].content['application/json'].schema, route.operationId).toEqual({
        $ref: '#/components/schemas/Error',
      });
    }
  });
});
