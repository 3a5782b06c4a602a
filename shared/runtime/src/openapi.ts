import { z } from 'zod';
import { ACCESS_COOKIE } from '@ecar/auth-client';
import { paramsSchemaOf, type Route } from './routes.ts';

/** What an OpenAPI document says about the service besides its routes. */
export interface ApiDescription {
  service: string;
  title: string;
  description: string;
  version: string;
}

type Json = Record<string, unknown>;

/** A request or answer schema as JSON Schema 2020-12 (what OpenAPI 3.1 uses), as clients send it. */
function jsonSchema(schema: z.ZodType): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', reused: 'inline' }) as Json;
  return rest;
}

/** `/api/v1/customers/:id` → `/api/v1/customers/{id}`. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** `GET /api/v1/customers/:id/export` → `getCustomersByIdExport` (unless the route names itself). */
export function operationIdOf(route: Pick<Route, 'method' | 'path' | 'name'>): string {
  if (route.name) return route.name;
  const words = route.path
    .replace(/^\/api\/v\d+\//, '')
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.startsWith(':') ? `By${capitalise(segment.slice(1))}` : segment.split(/[-.]/).map(capitalise).join('')));
  return `${route.method}${words.join('')}`;
}

/** The properties of an object schema as parameters `in` the path or the query. */
function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const object = jsonSchema(schema);
  const properties = (object['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((object['required'] as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: property,
  }));
}

const problem = { $ref: '#/components/responses/Problem' };

function operationOf(route: Route, service: string): Json {
  const success = String(route.success ?? 200);
  const successContent = route.produces
    ? Object.fromEntries(route.produces.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]))
    : { 'application/json': { schema: route.response ? jsonSchema(route.response) : {} } };
  const publicRoute = route.roles === 'public';
  const takesBody = route.body !== undefined || route.raw !== undefined;
  return {
    operationId: operationIdOf(route),
    summary: route.summary,
    description: route.roles === 'public' ? 'No access token needed.' : `Roles: ${route.roles.join(', ')}.${route.allowPendingMfa ? ' A super-admin who has not enrolled MFA yet is accepted.' : ''}`,
    tags: [service],
    // Who may call it over mutual TLS, when not only the gateway (PEERS in routes.ts).
    ...(route.peers ? { 'x-ecar-peers': [...route.peers] } : {}),
    ...(publicRoute ? { security: [] } : {}),
    parameters: [...parametersOf(paramsSchemaOf(route), 'path'), ...parametersOf(route.query, 'query')],
    ...(takesBody
      ? {
          requestBody: {
            // The kit reads an absent JSON body as `{}`: the body is optional when `{}` is valid.
            required: route.raw !== undefined || !route.body!.safeParse({}).success,
            content: route.raw
              ? Object.fromEntries(route.raw.contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]))
              : { 'application/json': { schema: jsonSchema(route.body!) } },
          },
        }
      : {}),
    responses: {
      [success]: success === '204' ? { description: 'Done' } : { description: 'Success', content: successContent },
      '400': problem,
      ...(publicRoute ? {} : { '401': problem, '403': problem }),
      '404': problem,
      '409': problem,
      ...(takesBody ? { '413': problem, '415': problem } : {}),
    },
  };
}

/**
 * The OpenAPI 3.1 document of a service, generated from its route table: paths, roles,
 * parameters and bodies come from the same zod schemas the kit validates requests with, so the
 * document cannot say something the service does not do.
 */
export function openApiDocument(description: ApiDescription, routes: readonly Route[]): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const item = (paths[openApiPath(route.path)] ??= {});
    item[route.method] = operationOf(route, description.service);
  }
  return {
    openapi: '3.1.0',
    info: { title: description.title, version: description.version, description: description.description, license: { name: 'Proprietary', identifier: 'LicenseRef-ECAR-Proprietary' } },
    servers: [{ url: '/', description: 'The ECAR gateway (same origin)' }],
    tags: [{ name: description.service, description: description.title }],
    security: [{ bearer: [] }, { cookie: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token (mobile app)' },
        cookie: { type: 'apiKey', in: 'cookie', name: ACCESS_COOKIE, description: 'Access token cookie (web app); state-changing requests also need X-CSRF-Token' },
      },
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string', description: 'urn:ecar:problem:<name>' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            requestId: { type: 'string' },
            errors: {
              type: 'array',
              items: { type: 'object', properties: { path: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } },
            },
          },
        },
      },
      responses: {
        Problem: { description: 'Refused: a problem+json body says why', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      },
    },
  };
}
