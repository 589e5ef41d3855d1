/**
 * A cache for pure functions of plain data (objects, arrays and primitives), keyed by what each call read.
 *
 * While a function runs, its argument is seen through proxies that record every read: a property's own value
 * or its absence, the keys listed, the membership tested. A later call whose argument answers those reads the
 * same way returns the recorded result without running the function again. A call that writes to its argument
 * or meets anything but plain data is not recorded, so the cache can skip work but never change an answer.
 *
 * Synth uses it to build only what a change touches: a weight change reads differently only in the parts that
 * read weights (the global stack, the failover plans), and every regional stack and chart is reused.
 */
export interface ReadMemo {
  /** `compute(input)`, or the result of an earlier call under the same `part` whose reads `input` answers alike. */
  run<A extends object, T>(part: string, input: A, compute: (input: A) => T): T;
}

/** One recorded read: the operation, the path from the argument to the object read, the key, and the answer. */
interface Read {
  op: 'get' | 'has' | 'keys' | 'kind';
  path: readonly PropertyKey[];
  key: PropertyKey;
  answer: unknown;
}

interface Entry {
  reads: Read[];
  result: unknown;
}

/** What a read of one own property tells: a primitive's value, or the kind of a nested object. */
type Answer = { primitive: unknown } | 'array' | 'object' | 'absent' | 'opaque';

/**
 * @param options.entriesPerPart how many recorded calls to keep per part, most recent first
 * @default 4
 */
export function createReadMemo(options: { entriesPerPart?: number } = {}): ReadMemo {
  const limit = options.entriesPerPart ?? 4;
  const entries = new Map<string, Entry[]>();
  return {
    run<A extends object, T>(part: string, input: A, compute: (input: A) => T): T {
      const kept = entries.get(part) ?? [];
      const hit = kept.findIndex((entry) => entry.reads.every((read) => answers(input, read)));
      if (hit >= 0) {
        const [entry] = kept.splice(hit, 1);
        kept.unshift(entry!);
        return entry!.result as T;
      }
      const recorder = new Recorder();
      const result = compute(recorder.track(input, []) as A);
      recorder.stop();
      if (!recorder.unrecordable && !isThenable(result)) {
        kept.unshift({ reads: [...recorder.reads.values()], result });
        kept.length = Math.min(kept.length, limit);
        entries.set(part, kept);
      }
      return result;
    },
  };
}

class Recorder {
  readonly reads = new Map<string, Read>();
  /** Set when the function did something a record cannot replay: a write, or data that is not plain. */
  unrecordable = false;
  private stopped = false;
  private readonly proxies = new Map<string, object>();

  /** `target` seen through a recording proxy; `id` names `path` (its keys' keyIds joined); one proxy per path, so `===` holds. */
  track(target: object, path: readonly PropertyKey[], id = ''): object {
    const known = this.proxies.get(id);
    if (known) return known;
    if (!path.length && this.record('kind', path, id, '', kindOf(target)) === 'opaque') return this.refuse(target);
    const proxy = new Proxy(target, {
      get: (object, key) => {
        const value = Reflect.get(object, key);
        if (!Object.hasOwn(object, key)) {
          this.record('get', path, id, key, 'absent');
          return value;
        }
        return this.nested(object, key, value, path, id);
      },
      has: (object, key) => this.record('has', path, id, key, Reflect.has(object, key)),
      ownKeys: (object) => this.record('keys', path, id, '', Reflect.ownKeys(object)),
      getOwnPropertyDescriptor: (object, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(object, key);
        if (!descriptor) {
          this.record('get', path, id, key, 'absent');
          return descriptor;
        }
        if (!('value' in descriptor)) return this.refuse(descriptor);
        return { ...descriptor, value: this.nested(object, key, descriptor.value, path, id) };
      },
      set: (object, key, value) => this.refuse(Reflect.set(object, key, value)),
      defineProperty: (object, key, descriptor) => this.refuse(Reflect.defineProperty(object, key, descriptor)),
      deleteProperty: (object, key) => this.refuse(Reflect.deleteProperty(object, key)),
      setPrototypeOf: (object, prototype) => this.refuse(Reflect.setPrototypeOf(object, prototype)),
      preventExtensions: (object) => this.refuse(Reflect.preventExtensions(object)),
    });
    this.proxies.set(id, proxy);
    return proxy;
  }

  /** Records the read of an own property of the object at `path`, and hands out nested plain data through its own proxy. */
  private nested(object: object, key: PropertyKey, value: unknown, path: readonly PropertyKey[], id: string): unknown {
    const answer = this.record('get', path, id, key, answerOf(value));
    if (answer === 'opaque') return this.refuse(value);
    if (typeof answer !== 'string') return value;
    // A proxy may not stand in for a property that can never change; such data is passed as is, unrecorded.
    const descriptor = Reflect.getOwnPropertyDescriptor(object, key);
    if (descriptor && !descriptor.configurable && !descriptor.writable) return this.refuse(value);
    return this.track(value as object, [...path, key], `${id}\u0000${keyId(key)}`);
  }

  /** Keeps the first answer to each read and returns the answer. */
  private record<T>(op: Read['op'], path: readonly PropertyKey[], id: string, key: PropertyKey, answer: T): T {
    if (this.stopped) return answer;
    const readId = `${op}\u0001${id}\u0001${keyId(key)}`;
    if (!this.reads.has(readId)) this.reads.set(readId, { op, path, key, answer });
    return answer;
  }

  private refuse<T>(value: T): T {
    if (!this.stopped) this.unrecordable = true;
    return value;
  }

  stop(): void {
    this.stopped = true;
  }
}

/** Whether `input` answers `read` as the recorded call's argument did. */
function answers(input: object, read: Read): boolean {
  let object: unknown = input;
  for (const key of read.path) {
    if (!isPlain(object) || !Object.hasOwn(object, key)) return false;
    object = (object as Record<PropertyKey, unknown>)[key];
  }
  if (!isPlain(object)) return false;
  switch (read.op) {
    case 'kind':
      return kindOf(object) === read.answer;
    case 'has':
      return Reflect.has(object, read.key) === read.answer;
    case 'keys':
      return sameKeys(Reflect.ownKeys(object), read.answer as PropertyKey[]);
    case 'get':
      return sameAnswer(Object.hasOwn(object, read.key) ? answerOf((object as Record<PropertyKey, unknown>)[read.key]) : 'absent', read.answer as Answer);
  }
}

function answerOf(value: unknown): Answer {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return { primitive: value };
  return isPlain(value) ? kindOf(value) : 'opaque';
}

function sameAnswer(a: Answer, b: Answer): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return Object.is(a.primitive, b.primitive);
}

function sameKeys(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  return a.length === b.length && a.every((key, index) => key === b[index]);
}

function isPlain(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return Object.getPrototypeOf(value) === Array.prototype;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function kindOf(value: object): 'array' | 'object' | 'opaque' {
  return !isPlain(value) ? 'opaque' : Array.isArray(value) ? 'array' : 'object';
}

function isThenable(value: unknown): boolean {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

const symbolIds = new Map<symbol, number>();

/** A key as part of a read's identity; symbols by identity, since two may share a description. */
function keyId(key: PropertyKey): string {
  if (typeof key !== 'symbol') return `.${String(key)}`;
  if (!symbolIds.has(key)) symbolIds.set(key, symbolIds.size);
  return `@${symbolIds.get(key)!}`;
}
