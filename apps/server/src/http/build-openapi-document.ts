import type { ApiRoute } from './api-routes';
import { API_ROUTES } from './api-routes';
import { NAMED_SCHEMAS } from './api-schemas';

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiDocumentOptions {
  /** `info.version`. */
  version: string;
  /** Where the API is served, for `servers`; none when unknown. */
  serverUrl?: string;
}

/**
 * The OpenAPI 3.1 document of the HTTP API, built from the same route table and schema objects that fastify
 * registers, so the document cannot drift from what the server validates and answers. Schemas that have a name in
 * `NAMED_SCHEMAS` become `$ref`s to `components.schemas`.
 */
export function buildOpenApiDocument(
  options: OpenApiDocumentOptions,
  routes: readonly ApiRoute[] = API_ROUTES,
): Record<string, unknown> {
  const names = new Map<object, string>(Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [schema, name]));
  const ref = (schema: object, top = true): object => {
    const name = top ? names.get(schema) : undefined;
    return name ? { $ref: `#/components/schemas/${name}` } : _withRefs(schema, names);
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      'x-certexit-access': route.access,
      security: _security(route.access),
    };
    const parameters = [..._parameters(route.params, 'path'), ..._parameters(route.querystring, 'query')];
    if (parameters.length > 0) operation.parameters = parameters;
    if (route.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: ref(route.body) } } };
    }
    operation.responses = Object.fromEntries(
      Object.entries(route.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          content: { [response.contentType ?? 'application/json']: { schema: ref(response.schema) } },
        },
      ]),
    );
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'certexit CA API',
      version: options.version,
      description:
        'The certexit reference CA over HTTP. Callers authenticate with a bearer token made by `certexit caller add`; ' +
        'requesters submit and retrieve their own requests (the requester name is the caller’s identity); officers ' +
        '(certificate managers) also approve, deny, revoke and view all requests; CA managers (CA administrators) also ' +
        'manage templates, change the CA’s properties, publish CRLs and steer exit-module delivery. Errors are ' +
        '`{ error, hresult, message }`.',
    },
    ...(options.serverUrl && { servers: [{ url: options.serverUrl }] }),
    tags: [
      { name: 'requests', description: 'Certificate requests (certreq, certutil -resubmit/-deny/-view).' },
      { name: 'certificates', description: 'Issued certificates (certutil -revoke).' },
      { name: 'crls', description: 'Certificate revocation lists (certutil -crl).' },
      { name: 'ca', description: 'The certificate authority, its properties and their audit log.' },
      { name: 'views', description: 'The Certification Authority console’s folders, paged on the server.' },
      {
        name: 'templates',
        description:
          "Certificate templates and the CA's template list (certutil -template, -CATemplates, -SetCATemplates).",
      },
      { name: 'operations', description: 'Health, metrics and this document.' },
    ],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token from `certexit caller add <DOMAIN\\user> --role requester|officer|manager`.',
        },
      },
      schemas: Object.fromEntries(
        Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [name, _withRefs(schema, names, schema)]),
      ),
    },
  };
}

function _security(access: ApiRoute['access']): unknown[] {
  if (access === 'public') return [];
  // {} = anonymous allowed (loopback peers), bearer otherwise.
  if (access === 'metrics') return [{}, { bearerAuth: [] }];
  return [{ bearerAuth: [] }];
}

function _parameters(schema: object | undefined, where: 'path' | 'query'): object[] {
  if (!schema) return [];
  const { properties = {}, required = [] } = schema as {
    properties?: Record<string, { description?: string }>;
    required?: readonly string[];
  };
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.includes(name),
      ...(description && { description }),
      schema: rest,
    };
  });
}

/** A copy of a schema whose nested named schemas are `$ref`s (the schema itself stays inline when it is `self`). */
function _withRefs(schema: unknown, names: ReadonlyMap<object, string>, self?: object): object {
  const walk = (value: unknown, top: boolean): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, false));
    if (value === null || typeof value !== 'object') return value;
    const name = names.get(value);
    if (name && !(top && value === self)) return { $ref: `#/components/schemas/${name}` };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, false)]));
  };
  return walk(schema, true) as object;
}
