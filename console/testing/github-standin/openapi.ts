import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { SLICE_OPERATIONS, type SliceOperation } from './operations';

/**
 * GitHub's OpenAPI description, cut to the operations the console uses (`openapi-slice.json`, written by
 * `scripts/extract-github-openapi.ts`), compiled into request and response validators.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  multiSegment: boolean;
  validate: Check;
}

/** A schema compiled on first use: compiling every response schema up front costs seconds per test file. */
type Check = (data: unknown) => ErrorObject[];

export interface Route {
  operationId: SliceOperation;
  method: string;
  template: string;
  /** The operation's page in GitHub's REST documentation: GitHub's error bodies link it as `documentation_url`. */
  docs: string;
  parameters: Parameter[];
  body?: { required: boolean; validate: Check };
  /** Status → the check of its JSON body, or null where the description documents the status without a body. */
  responses: Map<string, Check | null>;
  pattern: RegExp;
}

export interface Violation {
  direction: 'request' | 'response';
  operation: string;
  method: string;
  path: string;
  status?: number;
  errors: string[];
}

/**
 * Statuses GitHub answers any operation with, documented once for the whole API rather than per operation:
 * authentication (401), rate limits (403, 429), a resource that does not exist or is not visible (404) and
 * server errors. Where an operation does not list one of them, its body is checked against `basic-error`.
 */
const API_WIDE_STATUSES = new Set(['401', '403', '404', '429', '500', '502', '503']);

const SLICE_PATH = new URL('./openapi-slice.json', import.meta.url);
const SCHEMAS_ID = 'https://github-standin.invalid/components';

export class OpenApiSlice {
  readonly routes: Route[];
  private readonly apiWideError: Check;
  private readonly compilers: Array<() => void> = [];

  constructor(document: JsonObject = JSON.parse(readFileSync(SLICE_PATH, 'utf8')) as JsonObject) {
    const components = asObject(document.components, 'components');
    const schemas = asObject(components.schemas, 'components.schemas');
    const ajv = createAjv(false);
    // Query and path values arrive as strings; their schemas say `integer` or `boolean`.
    const parameterAjv = createAjv(true);
    for (const instance of [ajv, parameterAjv]) instance.addSchema({ $id: SCHEMAS_ID, definitions: rewriteRefs(schemas) as JsonObject });

    const resolve = (value: Json): JsonObject => {
      const object = asObject(value, 'description node');
      const ref = object.$ref;
      if (typeof ref !== 'string') return object;
      const [, kind, name] = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref) ?? [];
      if (!kind || !name) throw new Error(`unsupported $ref ${ref}`);
      return resolve(asObject(components[kind], `components.${kind}`)[name] ?? null);
    };
    const compile = (instance: Ajv, schema: Json): Check => {
      let validate: ValidateFunction | undefined;
      const compiled = () => (validate ??= instance.compile(rewriteRefs(schema) as JsonObject));
      this.compilers.push(compiled);
      return (data) => {
        const check = compiled();
        return check(data) ? [] : (check.errors ?? []);
      };
    };

    this.routes = [];
    for (const [template, itemValue] of Object.entries(asObject(document.paths, 'paths'))) {
      const item = asObject(itemValue, template);
      for (const [method, operationValue] of Object.entries(item)) {
        if (method === 'parameters') continue;
        const operation = asObject(operationValue, `${method} ${template}`);
        const operationId = operation.operationId as SliceOperation;
        if (!SLICE_OPERATIONS.includes(operationId)) throw new Error(`${method} ${template}: operation ${String(operationId)} is not in operations.ts; re-extract the slice`);
        const parameters = [...asArray(item.parameters), ...asArray(operation.parameters)].map((value) => {
          const parameter = resolve(value);
          return {
            name: String(parameter.name),
            in: parameter.in as Parameter['in'],
            required: parameter.required === true,
            multiSegment: parameter['x-multi-segment'] === true,
            // Wrapped in an object: ajv coerces a string to the declared type only inside a parent it can write to.
            validate: compile(parameterAjv, { type: 'object', properties: { value: parameter.schema ?? {} } }),
          };
        });
        const requestBody = operation.requestBody === undefined ? undefined : resolve(operation.requestBody);
        const bodySchema = requestBody && asObject(asObject(requestBody.content, 'requestBody.content')['application/json'] ?? null, 'application/json').schema;
        const responses = new Map<string, Check | null>();
        for (const [status, responseValue] of Object.entries(asObject(operation.responses, 'responses'))) {
          const response = resolve(responseValue);
          const media = response.content === undefined ? undefined : asObject(response.content, 'content')['application/json'];
          const schema = media === undefined ? undefined : asObject(media, 'application/json').schema;
          responses.set(status, schema === undefined ? null : compile(ajv, schema));
        }
        this.routes.push({
          operationId,
          method: method.toUpperCase(),
          template,
          docs: typeof operation.externalDocs === 'object' && operation.externalDocs !== null && !Array.isArray(operation.externalDocs) ? String(operation.externalDocs.url) : 'https://docs.github.com/rest',
          parameters,
          body: requestBody && bodySchema !== undefined ? { required: requestBody.required === true, validate: compile(ajv, bodySchema) } : undefined,
          responses,
          pattern: routePattern(template, parameters),
        });
      }
    }
    const missing = SLICE_OPERATIONS.filter((id) => !this.routes.some((route) => route.operationId === id));
    if (missing.length > 0) throw new Error(`openapi-slice.json lacks ${missing.join(', ')}; run scripts/extract-github-openapi.ts`);
    // More literal text first, so `/git/refs/{ref}` wins over a shorter template that could also match.
    this.routes.sort((a, b) => b.template.replace(/\{[^}]+\}/g, '').length - a.template.replace(/\{[^}]+\}/g, '').length);
    this.apiWideError = compile(ajv, { $ref: '#/components/schemas/basic-error' });
  }

  /** Compiles every schema now, which throws on anything ajv's strict mode does not understand. */
  compileAll(): number {
    for (const compile of this.compilers) compile();
    return this.compilers.length;
  }

  match(method: string, pathname: string): { route: Route; pathParams: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(pathname);
      if (!match) continue;
      const pathParams: Record<string, string> = {};
      for (const [name, raw] of Object.entries(match.groups ?? {})) pathParams[name] = decodeURIComponent(raw);
      return { route, pathParams };
    }
    return undefined;
  }

  /**
   * Validates the parameters and body of a request. Returns the errors and the typed parameters (a query
   * parameter the operation does not define is an error: GitHub ignores it, so a client sending one is wrong).
   */
  validateRequest(
    route: Route,
    request: { pathParams: Record<string, string>; query: URLSearchParams; body: Json | undefined },
  ): { errors: string[]; params: Record<string, Json> } {
    const errors: string[] = [];
    const params: Record<string, Json> = {};
    for (const parameter of route.parameters) {
      if (parameter.in !== 'path' && parameter.in !== 'query') continue;
      const raw = parameter.in === 'path' ? request.pathParams[parameter.name] : (request.query.get(parameter.name) ?? undefined);
      if (raw === undefined) {
        if (parameter.required) errors.push(`${parameter.in} parameter ${parameter.name} is required`);
        continue;
      }
      const holder: { value: Json } = { value: raw };
      errors.push(...format(parameter.validate(holder), `${parameter.in} parameter ${parameter.name}`).map((error) => error.replace('/value', '')));
      params[parameter.name] = holder.value;
    }
    for (const name of new Set(request.query.keys())) {
      if (!route.parameters.some((parameter) => parameter.in === 'query' && parameter.name === name)) errors.push(`query parameter ${name} is not defined for ${route.operationId}`);
    }
    if (request.body === undefined) {
      if (route.body?.required) errors.push('a JSON request body is required');
    } else if (!route.body) {
      errors.push(`${route.operationId} takes no request body`);
    } else {
      errors.push(...format(route.body.validate(request.body), 'request body'));
    }
    return { errors, params };
  }

  validateResponse(route: Route, status: number, body: Json | undefined): string[] {
    const documented = route.responses.get(String(status));
    const validate = documented !== undefined ? documented : API_WIDE_STATUSES.has(String(status)) ? this.apiWideError : undefined;
    if (validate === undefined) return [`status ${status} is not documented for ${route.operationId}`];
    if (validate === null) return [];
    if (body === undefined) return [`status ${status} of ${route.operationId} needs a JSON body`];
    return format(validate(body), `response ${status} body`);
  }
}

function createAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: coerce });
  addFormats(ajv);
  // GitHub's own formats: an `owner/name` repository reference.
  ajv.addFormat('repo.nwo', /^[A-Za-z0-9](?:-?[A-Za-z0-9])*\/[A-Za-z0-9._-]+$/);
  // Annotations of OpenAPI 3.0 and of GitHub's description; they carry no validation.
  // `discriminator` names the property that picks a oneOf branch; the oneOf itself still validates.
  for (const keyword of ['example', 'x-github-breaking-changes', 'discriminator']) ajv.addKeyword({ keyword, schemaType: ['string', 'number', 'boolean', 'object', 'array', 'null'] });
  return ajv;
}

/**
 * Prepares a schema of the description for ajv: component references point into the registered components,
 * and a nullable enum admits null. GitHub's description marks `check-run.conclusion` (null while a run is in
 * progress) `nullable` with an enum that omits null; Octokit's generated types read it as nullable, and so do we.
 */
function rewriteRefs(value: Json): Json {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== 'object') return value;
  const copy: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    copy[key] = key === '$ref' && typeof child === 'string' ? child.replace(/^#\/components\/schemas\//, `${SCHEMAS_ID}#/definitions/`) : rewriteRefs(child);
  }
  if (copy.nullable === true && Array.isArray(copy.enum) && !copy.enum.includes(null)) copy.enum = [...copy.enum, null];
  return copy;
}

function routePattern(template: string, parameters: Parameter[]): RegExp {
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([a-z_]+)\\?\}/g, (_, name: string) => {
    const multiSegment = parameters.some((parameter) => parameter.in === 'path' && parameter.name === name && parameter.multiSegment);
    return `(?<${name}>${multiSegment ? '.+?' : '[^/]+'})`;
  });
  return new RegExp(`^${source}$`);
}

function format(errors: ErrorObject[], where: string): string[] {
  return errors.map((error) => `${where}${error.instancePath || ''}: ${error.message ?? error.keyword}${error.params && Object.keys(error.params).length ? ` ${JSON.stringify(error.params)}` : ''}`);
}

function asObject(value: Json | undefined, what: string): JsonObject {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) throw new Error(`openapi-slice.json: ${what} is not an object`);
  return value;
}

function asArray(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}
