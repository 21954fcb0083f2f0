// The host side of the canonical ABI for the plugbench world (runtimes/abi/filter.wit),
// written once by hand for its fifteen imports and two exports.
//
// Imports use jco's optimized host-binding protocol: each import function carries a
// `Symbol.for('cabiLower')` method that jco calls once per instance with the
// component's canonical options ({ memory, realloc }) and that returns the core
// function the guest calls directly. So a host call costs one wasm→JS call plus the
// lifting/lowering below: no per-call task objects. (jco's default 'js' bindings
// wrap every call in its async-task machinery; see runtimes/wasm/README.md.)
//
// Exports: `callHandle` / `callInit` lift the two export results from the core
// instance themselves (see adapter.ts for why), following the canonical ABI:
// return area aligned and in bounds, UTF-8 validated, post-return called.
//
// Every canonical-ABI violation by the guest (a string out of bounds, invalid UTF-8,
// a misaligned pointer, a bad enum or option tag) throws a WebAssembly.RuntimeError:
// a trap, which poisons the instance (adapter.ts).

import { AbiError } from '../abi/context.ts';
import type { FilterRequest, HostServices } from '../abi/types.ts';
import { LOG_LEVELS } from '../abi/types.ts';

export const CABI_LOWER = Symbol.for('cabiLower');

export interface CanonOpts {
  memory?: WebAssembly.Memory;
  realloc?: (ptr: number, oldSize: number, align: number, newSize: number) => number;
  stringEncoding?: string;
}

type CoreFn = (...args: number[]) => unknown;

/** A high-level import function that also offers jco an optimized core binding. */
type Lowerable = ((...args: never[]) => unknown) & { [CABI_LOWER]: (opts: CanonOpts) => CoreFn };

function trap(message: string): never {
  throw new WebAssembly.RuntimeError(`wasm trap: ${message}`);
}

/** "The request in flight" outside a handle call: every request function refuses. */
const NO_REQUEST: FilterRequest = new Proxy({} as FilterRequest, {
  get(_target, name) {
    return () => {
      throw new AbiError('invalid', `request.${String(name)}: no request is in flight (request functions work inside handle only)`);
    };
  },
});

const LIFT_CACHE_SLOTS = 64; // a power of two

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** UTF-8 length of `s` as TextEncoder writes it (a lone surrogate becomes U+FFFD, 3 bytes). */
function utf8Length(s: string): number {
  let len = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) len += 1;
    else if (c < 0x800) len += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      len += 4;
      i++;
    } else len += 3;
  }
  return len;
}

export interface Bindings {
  /** The import object for jco's instantiate(): high-level functions with cabiLower attached. */
  readonly imports: Record<string, Record<string, Lowerable>>;
  /** Makes `ctx` the request in flight (or none). */
  setRequest(ctx: FilterRequest | undefined): void;
  /** Binds the main core instance's memory and realloc (for export calls). */
  attach(memory: WebAssembly.Memory, realloc: CanonOpts['realloc']): void;
  /** The memory the imports were lowered against, if any. */
  memory(): WebAssembly.Memory | undefined;
  /** Calls core `init(config) -> result<_, string>`: undefined for ok, the error text for err. */
  callInit(init: CoreFn, post: CoreFn | undefined, config: string): string | undefined;
  /** Calls core `handle() -> string`. */
  callHandle(handle: CoreFn, post: CoreFn | undefined): string;
}

/** Fresh bindings for one instance: its own memory views and request slot. */
export function createBindings(host: HostServices): Bindings {
  let req: FilterRequest = NO_REQUEST;
  let memory: WebAssembly.Memory | undefined;
  let realloc: NonNullable<CanonOpts['realloc']> = () => trap('the component has no cabi_realloc');
  let u8 = new Uint8Array(0);
  let dv = new DataView(u8.buffer);
  /** Second result of lowerString / lowerBytes (the length). */
  let loweredLen = 0;

  function bind(opts: CanonOpts): void {
    if (opts.stringEncoding !== undefined && opts.stringEncoding !== 'utf8') {
      trap(`string encoding ${opts.stringEncoding} is not supported (plugbench guests use utf8)`);
    }
    if (opts.memory) {
      if (memory && memory !== opts.memory) trap('the component uses more than one memory');
      memory = opts.memory;
    }
    if (opts.realloc) realloc = opts.realloc;
  }

  // Views over linear memory. A memory.grow (inside realloc or any guest code)
  // detaches the old buffer, whose views then report length 0: refresh lazily.
  function views(): void {
    if (u8.length === 0) {
      if (!memory) trap('the component has no memory');
      u8 = new Uint8Array(memory.buffer);
      dv = new DataView(u8.buffer);
    }
  }

  function checkRange(ptr: number, len: number, what: string): void {
    if (ptr + len > u8.length) trap(`${what} [${ptr}, +${len}) is outside linear memory`);
  }

  function checkRetArea(ret: number, size: number): void {
    if (ret & 3) trap(`return area ${ret} is not 4-byte aligned`);
    checkRange(ret, size, 'return area');
  }

  // Short ASCII strings the guest passes from the same address (its literals: header
  // names, most of all) come back as the same JS string, checked byte for byte, so the
  // request context sees a string whose hash is already computed.
  const cachePtr = new Int32Array(LIFT_CACHE_SLOTS).fill(-1);
  const cacheStr: string[] = new Array<string>(LIFT_CACHE_SLOTS).fill('');

  function liftString(ptr: number, len: number): string {
    if (len === 0) return '';
    views();
    checkRange(ptr, len, 'string');
    if (len > 24) return decodeUtf8(ptr, len);
    const slot = (ptr ^ (ptr >>> 7)) & (LIFT_CACHE_SLOTS - 1);
    if (cachePtr[slot] === ptr) {
      const cached = cacheStr[slot]!;
      if (cached.length === len) {
        let i = 0;
        while (i < len && u8[ptr + i] === cached.charCodeAt(i)) i++;
        if (i === len) return cached;
      }
    }
    // Short strings: ASCII without TextDecoder's call overhead.
    let s = '';
    for (let i = 0; i < len; i++) {
      const c = u8[ptr + i]!;
      if (c >= 0x80) return decodeUtf8(ptr, len);
      s += String.fromCharCode(c);
    }
    cachePtr[slot] = ptr;
    cacheStr[slot] = s;
    return s;
  }

  function decodeUtf8(ptr: number, len: number): string {
    try {
      return utf8Decoder.decode(u8.subarray(ptr, ptr + len));
    } catch {
      return trap(`string [${ptr}, +${len}) is not valid UTF-8`);
    }
  }

  function liftBytes(ptr: number, len: number): Uint8Array {
    views();
    checkRange(ptr, len, 'list<u8>');
    return u8.slice(ptr, ptr + len); // a copy: the guest reuses its memory
  }

  /** Copies `s` into guest memory (allocated through the guest's cabi_realloc); returns the pointer, sets loweredLen. */
  function lowerString(s: string): number {
    const n = s.length;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (s.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    const len = ascii ? n : utf8Length(s);
    const ptr = realloc(0, 0, 1, len) >>> 0;
    views();
    checkRange(ptr, len, 'allocation');
    if (ascii && n <= 48) {
      for (let i = 0; i < n; i++) u8[ptr + i] = s.charCodeAt(i);
    } else if (len > 0) {
      const { written } = utf8Encoder.encodeInto(s, u8.subarray(ptr, ptr + len));
      if (written !== len) trap('string encoding length mismatch');
    }
    loweredLen = len;
    return ptr;
  }

  function lowerBytes(bytes: Uint8Array): number {
    const len = bytes.length;
    const ptr = realloc(0, 0, 1, len) >>> 0;
    views();
    checkRange(ptr, len, 'allocation');
    u8.set(bytes, ptr);
    loweredLen = len;
    return ptr;
  }

  /** Stores a string result {ptr, len} at `ret`. */
  function storeString(ret: number, s: string): void {
    ret >>>= 0;
    const ptr = lowerString(s); // may grow memory: check the area afterwards
    checkRetArea(ret, 8);
    dv.setUint32(ret, ptr, true);
    dv.setUint32(ret + 4, loweredLen, true);
  }

  /** Stores an option<string> {tag u8 @0, ptr @4, len @8} at `ret`. */
  function storeOptionString(ret: number, s: string | undefined): void {
    ret >>>= 0;
    if (s === undefined) {
      views();
      checkRetArea(ret, 12);
      u8[ret] = 0;
      return;
    }
    const ptr = lowerString(s);
    checkRetArea(ret, 12);
    u8[ret] = 1;
    dv.setUint32(ret + 4, ptr, true);
    dv.setUint32(ret + 8, loweredLen, true);
  }

  function lowerable<F extends (...args: never[]) => unknown>(high: F, core: CoreFn): Lowerable {
    const fn = high as unknown as Lowerable;
    fn[CABI_LOWER] = (opts: CanonOpts) => {
      bind(opts);
      return core;
    };
    return fn;
  }

  // -- interface request ------------------------------------------------------

  const request = {
    method: lowerable(
      () => req.method(),
      (ret) => storeString(ret, req.method()),
    ),
    path: lowerable(
      () => req.path(),
      (ret) => storeString(ret, req.path()),
    ),
    setPath: lowerable(
      (path: string) => req.setPath(path),
      (ptr, len) => req.setPath(liftString(ptr >>> 0, len >>> 0)),
    ),
    header: lowerable(
      (name: string) => req.header(name),
      (ptr, len, ret) => storeOptionString(ret, req.header(liftString(ptr >>> 0, len >>> 0))),
    ),
    headerNames: lowerable(
      () => req.headerNames(),
      (ret) => {
        ret >>>= 0;
        const names = req.headerNames();
        const n = names.length;
        const base = realloc(0, 0, 4, n * 8) >>> 0;
        views();
        if (base & 3) trap('list<string> allocation is not 4-byte aligned');
        checkRange(base, n * 8, 'allocation');
        for (let i = 0; i < n; i++) {
          const ptr = lowerString(names[i]!);
          dv.setUint32(base + i * 8, ptr, true);
          dv.setUint32(base + i * 8 + 4, loweredLen, true);
        }
        checkRetArea(ret, 8);
        dv.setUint32(ret, base, true);
        dv.setUint32(ret + 4, n, true);
      },
    ),
    setHeader: lowerable(
      (name: string, value: string) => req.setHeader(name, value),
      (np, nl, vp, vl) => req.setHeader(liftString(np >>> 0, nl >>> 0), liftString(vp >>> 0, vl >>> 0)),
    ),
    addHeader: lowerable(
      (name: string, value: string) => req.addHeader(name, value),
      (np, nl, vp, vl) => req.addHeader(liftString(np >>> 0, nl >>> 0), liftString(vp >>> 0, vl >>> 0)),
    ),
    removeHeader: lowerable(
      (name: string) => req.removeHeader(name),
      (ptr, len) => req.removeHeader(liftString(ptr >>> 0, len >>> 0)),
    ),
    body: lowerable(
      () => req.body(),
      (ret) => {
        ret >>>= 0;
        const ptr = lowerBytes(req.body());
        checkRetArea(ret, 8);
        dv.setUint32(ret, ptr, true);
        dv.setUint32(ret + 4, loweredLen, true);
      },
    ),
    setBody: lowerable(
      (body: Uint8Array) => req.setBody(body),
      (ptr, len) => req.setBody(liftBytes(ptr >>> 0, len >>> 0)),
    ),
    respond: lowerable(
      (status: number, headers: Array<[string, string]>, body: Uint8Array) => req.respond(status, headers, body),
      (status, hptr, hlen, bptr, blen) => {
        hptr >>>= 0;
        hlen >>>= 0;
        views();
        if (hptr & 3) trap('list<tuple<string, string>> is not 4-byte aligned');
        checkRange(hptr, hlen * 16, 'list<tuple<string, string>>');
        const headers: Array<[string, string]> = [];
        for (let i = 0; i < hlen; i++) {
          const at = hptr + i * 16;
          const name = liftString(dv.getUint32(at, true), dv.getUint32(at + 4, true));
          const value = liftString(dv.getUint32(at + 8, true), dv.getUint32(at + 12, true));
          headers.push([name, value]);
        }
        // u16 lifts from the low 16 bits of the i32 (canonical ABI).
        req.respond(status & 0xffff, headers, liftBytes(bptr >>> 0, blen >>> 0));
      },
    ),
  };

  // -- interface host -----------------------------------------------------------

  const hostImports = {
    kvGet: lowerable(
      (key: string) => host.kvGet(key),
      (ptr, len, ret) => storeOptionString(ret, host.kvGet(liftString(ptr >>> 0, len >>> 0))),
    ),
    kvSet: lowerable(
      (key: string, value: string) => host.kvSet(key, value),
      (kp, kl, vp, vl) => host.kvSet(liftString(kp >>> 0, kl >>> 0), liftString(vp >>> 0, vl >>> 0)),
    ),
    nowMs: lowerable(
      () => host.nowMs(),
      () => host.nowMs(),
    ),
    log: lowerable(
      (level: (typeof LOG_LEVELS)[number], message: string) => host.log(level, message),
      (level, ptr, len) => {
        const name = LOG_LEVELS[level >>> 0];
        if (name === undefined) trap(`log level ${level >>> 0} is not a host.level`);
        host.log(name, liftString(ptr >>> 0, len >>> 0));
      },
    ),
  };

  return {
    imports: {
      'plugbench:filter/request': request,
      'plugbench:filter/host': hostImports,
    },
    setRequest(ctx) {
      req = ctx ?? NO_REQUEST;
    },
    attach(mem, re) {
      bind({ memory: mem, realloc: re });
      u8 = new Uint8Array(0);
    },
    memory: () => memory,

    callInit(init, post, config) {
      const ptr = lowerString(config);
      const ret = (init(ptr, loweredLen) as number) >>> 0;
      views();
      checkRetArea(ret, 12);
      const tag = u8[ret];
      let error: string | undefined;
      if (tag === 1) error = liftString(dv.getUint32(ret + 4, true), dv.getUint32(ret + 8, true));
      else if (tag !== 0) trap(`invalid result discriminant ${tag} from init`);
      post?.(ret);
      return error;
    },

    callHandle(handle, post) {
      const ret = (handle() as number) >>> 0;
      views();
      checkRetArea(ret, 8);
      const result = liftString(dv.getUint32(ret, true), dv.getUint32(ret + 4, true));
      post?.(ret);
      return result;
    },
  };
}
