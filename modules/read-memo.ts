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
        files = build(recorder.track(input, []) as A);
      } catch {
        // Whatever failed under the proxies (a structuredClone, say), the caller gets what a plain call gives.
        return new Map(build(input));
      } finally {
        recorder.stop();
      }
      const copy = new Map(files);
      if (!recorder.unrecordable && [...copy].every(([file, content]) => typeof file === 'string' && typeof content === 'string')) {
        kept.unshift({ reads: recorder.reads, files: new Map(copy) });
        kept.length = Math.min(kept.length, limit);
        entries.set(part, kept);
      }
      return copy;
    },
  };
}

class Recorder {
  readonly reads: Read[] = [];
  /** Set when the function did something a record cannot replay: a write, or data that is not plain. */
  unrecordable = false;
  private stopped = false;
  /** Bumped by every write: proxies handed out before it may stand for objects no longer there. */
  private generation = 0;

  /** `target` seen through a recording proxy at `path`; each object's children get one proxy per key, so `===` holds. */
  track(target: object, path: readonly PropertyKey[]): object {
    if (!path.length && this.record('kind', path, '', kindOf(target)) === 'opaque') return this.refuse(target);
    // Each read is recorded once per object: the first answer is the answer, as nothing writes unrecorded.
    const seen = { get: new Set<PropertyKey>(), has: new Set<PropertyKey>(), keys: false };
    const children = new Map<PropertyKey, { proxy: object; generation: number }>();
    const once = <T>(op: 'get' | 'has', key: PropertyKey, answer: T): T => {
      if (!seen[op].has(key)) {
        seen[op].add(key);
        this.record(op, path, key, answer);
      }
      return answer;
    };
    /** Records the read of an own property, and hands out nested plain data through its own proxy. */
    const nested = (object: object, key: PropertyKey, value: unknown): unknown => {
      const answer = once('get', key, answerOf(value));
      if (answer === 'opaque') return this.refuse(value);
      if (typeof answer !== 'string') return value;
      // A proxy may not stand in for a property that can never change; such data is passed as is, unrecorded.
      const descriptor = Reflect.getOwnPropertyDescriptor(object, key);
      if (descriptor && !descriptor.configurable && !descriptor.writable) return this.refuse(value);
      const known = children.get(key);
      if (known && known.generation === this.generation) return known.proxy;
      const child = this.track(value as object, [...path, key]);
      children.set(key, { proxy: child, generation: this.generation });
      return child;
    };
    return new Proxy(target, {
      get: (object, key) => (Object.hasOwn(object, key) ? nested(object, key, Reflect.get(object, key)) : once('get', key, 'absent') && Reflect.get(object, key)),
      has: (object, key) => once('has', key, Reflect.has(object, key)),
      ownKeys: (object) => {
        const keys = Reflect.ownKeys(object);
        if (!seen.keys) {
          seen.keys = true;
          this.record('keys', path, '', keys);
        }
        return keys;
      },
      getOwnPropertyDescriptor: (object, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(object, key);
        if (!descriptor) return once('get', key, 'absent') && descriptor;
        if (!('value' in descriptor)) return this.refuse(descriptor);
        return { ...descriptor, value: nested(object, key, descriptor.value) };
      },
      set: (object, key, value) => this.written(Reflect.set(object, key, value)),
      defineProperty: (object, key, descriptor) => this.written(Reflect.defineProperty(object, key, descriptor)),
      deleteProperty: (object, key) => this.written(Reflect.deleteProperty(object, key)),
      setPrototypeOf: (object, prototype) => this.written(Reflect.setPrototypeOf(object, prototype)),
      preventExtensions: (object) => this.written(Reflect.preventExtensions(object)),
    });
  }

  private record<T>(op: Read['op'], path: readonly PropertyKey[], key: PropertyKey, answer: T): T {
    if (!this.stopped) this.reads.push({ op, path, key, answer });
    return answer;
  }

  private written<T>(value: T): T {
    this.generation++;
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
