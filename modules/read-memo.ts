/**
 * A cache for files built by pure functions of plain data (objects, arrays and primitives), keyed by what each
 * call read.
 *
 * While a function runs, its argument is seen through proxies that record every read: a property's own value
 * or its absence, the keys listed, the membership tested, the kind of each object (list, object, object without
 * a prototype). A later call whose argument answers those reads the same way gets the recorded files without
 * running the function again. A call that writes to its argument or meets anything but plain data is not
 * recorded, and a call that fails under the proxies runs again without them, so the cache can skip work but
 * never change an answer.
 *
 * Synth uses it to build only what a change touches: a weight change reads differently only in the parts that
 * read weights (the global stack, the failover plans), and every regional stack and chart is reused.
 */
export interface ReadMemo {
  /** `build(input)`, or a copy of the files of an earlier call under the same `part` whose reads `input` answers alike. */
  run<A extends object>(part: string, input: A, build: (input: A) => Files): Map<string, string>;
}

/** What a part builds: path → content. Strings only, so a result can hold nothing of the input it was built from. */
export type Files = ReadonlyMap<string, string>;

/** One recorded read: the operation, the path from the argument to the object read, the key, and the answer. */
interface Read {
  op: 'get' | 'has' | 'keys' | 'kind';
  path: readonly PropertyKey[];
  key: PropertyKey;
  answer: unknown;
}

interface Entry {
  reads: Read[];
  files: Files;
}

type Kind = 'array' | 'object' | 'bare-object' | 'opaque';

/** What a read of one own property tells: a primitive's value, or the kind of a nested object. */
type Answer = { primitive: unknown } | Kind;

/**
 * @param options.entriesPerPart how many recorded calls to keep per part, most recent first
 * @default 4
 */
export function createReadMemo(options: { entriesPerPart?: number } = {}): ReadMemo {
  const limit = options.entriesPerPart ?? 4;
  const entries = new Map<string, Entry[]>();
  return {
    run<A extends object>(part: string, input: A, build: (input: A) => Files): Map<string, string> {
      const kept = entries.get(part) ?? [];
      const hit = kept.findIndex((entry) => entry.reads.every((read) => answers(input, read)));
      if (hit >= 0) {
        const [entry] = kept.splice(hit, 1);
        kept.unshift(entry!);
        return new Map(entry!.files);
      }
      const recorder = new Recorder();
      let files: Files;
      try {
        files = build(recorder.track(input, [], '') as A);
      } catch {
        // Whatever failed under the proxies (a structuredClone, say), the caller gets what a plain call gives.
        return new Map(build(input));
      } finally {
        recorder.stop();
      }
      const copy = new Map(files);
      if (!recorder.unrecordable && [...copy].every(([file, content]) => typeof file === 'string' && typeof content === 'string')) {
        kept.unshift({ reads: [...recorder.reads.values()], files: new Map(copy) });
        kept.length = Math.min(kept.length, limit);
        entries.set(part, kept);
      }
      return copy;
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
  track(target: object, path: readonly PropertyKey[], id: string): object {
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
      set: (object, key, value) => this.written(Reflect.set(object, key, value)),
      defineProperty: (object, key, descriptor) => this.written(Reflect.defineProperty(object, key, descriptor)),
      deleteProperty: (object, key) => this.written(Reflect.deleteProperty(object, key)),
      setPrototypeOf: (object, prototype) => this.written(Reflect.setPrototypeOf(object, prototype)),
      preventExtensions: (object) => this.written(Reflect.preventExtensions(object)),
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
    return this.track(value as object, [...path, key], `${id}${keyId(key)}`);
  }

  /** Keeps the first answer to each read and returns the answer. */
  private record<T>(op: Read['op'], path: readonly PropertyKey[], id: string, key: PropertyKey, answer: T): T {
    if (this.stopped) return answer;
    const readId = `${op}${id}|${keyId(key)}`;
    if (!this.reads.has(readId)) this.reads.set(readId, { op, path, key, answer });
    return answer;
  }

  /** After a write the proxies handed out may stand for objects no longer there: later reads get fresh ones. */
  private written<T>(value: T): T {
    this.proxies.clear();
    return this.refuse(value);
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
      return sameAnswer(Object.hasOwn(object, read.key) ? answerOf((object as Record<PropertyKey, unknown>)[read.key]) : 'absent', read.answer as Answer | 'absent');
  }
}

function answerOf(value: unknown): Answer {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return { primitive: value };
  return kindOf(value as object);
}

function sameAnswer(a: Answer | 'absent', b: Answer | 'absent'): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return Object.is(a.primitive, b.primitive);
}

function sameKeys(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  return a.length === b.length && a.every((key, index) => key === b[index]);
}

function isPlain(value: unknown): value is object {
  return value !== null && typeof value === 'object' && kindOf(value) !== 'opaque';
}

/** Lists and objects with their ordinary prototypes, and objects without one: inherited lookups differ between them. */
function kindOf(value: object): Kind {
  const prototype = Object.getPrototypeOf(value);
  if (Array.isArray(value)) return prototype === Array.prototype ? 'array' : 'opaque';
  return prototype === Object.prototype ? 'object' : prototype === null ? 'bare-object' : 'opaque';
}

const symbolIds = new Map<symbol, number>();

/**
 * A key as one step of a path's id: its kind, length and text, so no key can pass for two steps ("a" then "b"
 * and a key spelling both); symbols by identity, since two may share a description.
 */
function keyId(key: PropertyKey): string {
  if (typeof key === 'symbol') {
    if (!symbolIds.has(key)) symbolIds.set(key, symbolIds.size);
    return `/@${symbolIds.get(key)!}`;
  }
  const text = String(key);
  return `/${text.length}:${text}`;
}
