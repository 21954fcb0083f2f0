// lua: Lua 5.4 filters on wasmoon (the reference Lua interpreter compiled to
// WebAssembly). One wasm module per loaded filter, one lua_State per instance.
//
// The adapter talks to Lua through the C API exported by wasmoon's wasm module,
// not through wasmoon's high-level proxies (those create a Lua thread and
// convert values through JS on every call: ~3 µs). Concretely:
//
//  - `handle` is lua_pushvalue (the filter's handle(), pinned on the stack) +
//    lua_pcallk + lua_tolstring + lua_settop: four wasm calls, no allocation on
//    the JS side for an empty result.
//  - Host functions are C functions whose table slots point at JS closures
//    (`addFunction`), registered once per module and shared by every state of
//    that module. They act on a mutable "current request" slot that `handle`
//    fills, read their arguments as (pointer, length) with luaL_checklstring
//    and push results with lua_pushlstring from a scratch buffer.
//  - Errors raised inside a host function become Lua errors (luaL_where +
//    message + lua_error), so `pcall` in the filter sees them.
//  - By default the C API is called on the raw wasm exports, captured while
//    wasmoon instantiates its module, and protected calls use a lean setjmp
//    trampoline (see initLuaWasm). Should capturing ever fail, the adapter
//    falls back to emscripten's exported wrappers (`module._lua_*`) and
//    trampoline, which are correct but cost ~0.3 µs more per call.
//    runtimes/lua/call-cost.ts measures every variant.
//
// Strings and bytes. Lua strings are byte strings. Request data crosses the
// boundary byte for byte: method, path, header names and values map JS char
// codes 0-255 to bytes 0-255 (latin1), exactly how HTTP carries them (obs-text
// 0x80-0xFF included) and how Node's http module writes header strings.
// Bodies are bytes. Text — kv keys and values (WIT strings shared with every
// other runtime of the deployment), the config, log messages, result names and
// error messages — is UTF-8 both ways, never switched on content. (A header
// value holding obs-text bytes copied into kv is therefore not valid UTF-8 and
// reaches the host with U+FFFD in those places.)

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LuaWasm } from 'wasmoon';
import { AbiError, type RequestContext } from '../abi/context.ts';
import { LOG_LEVELS, type FilterInstance, type HostServices, type LoadedFilter, type LogLevel, type Runtime } from '../abi/types.ts';
import { describe, loadError } from '../errors.ts';
import { LimitExceeded, checkLimits, hasLimits, type RuntimeLimits } from '../limits.ts';

const RUNTIME = 'lua';
const WASMOON_VERSION = (createRequire(import.meta.url)('wasmoon/package.json') as { version: string }).version;

// lua.h
const LUA_OK = 0;
const LUA_TNIL = 0;
const LUA_TFUNCTION = 6;
const LUA_ERRSYNTAX = 3;
const LUA_ERRMEM = 4;
const LUA_MASKCOUNT = 1 << 3;
/** The count hook runs every this many VM instructions (wasmoon's functionTimeout uses the same). */
const HOOK_COUNT = 1000;

/** Stack layout of every instance's main thread. */
const MSGH = 1; // message handler: turns any error value into a string
const MEMFN = 2; // function() return collectgarbage("count") end
const HOOKS = 3; // function() return rawget(_G, "handle"), rawget(_G, "init") end
const HANDLE = 4; // the filter's global handle(), looked up once the main chunk ran
const INIT = 5; // the filter's global init() or nil, until the instance is initialised
const BASE = HANDLE; // top of the stack between calls

/** The slice of the Lua C API the adapter uses. Pointers are numbers (wasm32). */
interface LuaApi {
  luaL_newstate(): number;
  luaL_openlibs(L: number): void;
  luaL_loadbufferx(L: number, buf: number, size: number, name: number, mode: number): number;
  luaL_checklstring(L: number, arg: number, lenPtr: number): number;
  luaL_checknumber(L: number, arg: number): number;
  luaL_where(L: number, level: number): void;
  lua_close(L: number): void;
  lua_pcallk(L: number, nargs: number, nresults: number, msgh: number, ctx: number, k: number): number;
  lua_getglobal(L: number, name: number): number;
  lua_pushvalue(L: number, idx: number): void;
  lua_settop(L: number, idx: number): void;
  lua_gettop(L: number): number;
  lua_type(L: number, idx: number): number;
  lua_tolstring(L: number, idx: number, lenPtr: number): number;
  lua_tonumberx(L: number, idx: number, isnum: number): number;
  lua_toboolean(L: number, idx: number): number;
  lua_pushlstring(L: number, ptr: number, len: number): number;
  lua_pushnil(L: number): void;
  lua_pushnumber(L: number, n: number): void;
  lua_pushcclosure(L: number, fn: number, n: number): void;
  lua_createtable(L: number, narr: number, nrec: number): void;
  lua_setfield(L: number, idx: number, key: number): void;
  lua_checkstack(L: number, n: number): number;
  lua_concat(L: number, n: number): void;
  lua_error(L: number): number;
  lua_atpanic(L: number, fn: number): number;
}

const API_NAMES: ReadonlyArray<keyof LuaApi> = [
  'luaL_newstate', 'luaL_openlibs', 'luaL_loadbufferx', 'luaL_checklstring', 'luaL_checknumber', 'luaL_where',
  'lua_close', 'lua_pcallk', 'lua_getglobal', 'lua_pushvalue', 'lua_settop', 'lua_gettop', 'lua_type',
  'lua_tolstring', 'lua_tonumberx', 'lua_toboolean', 'lua_pushlstring', 'lua_pushnil', 'lua_pushnumber',
  'lua_pushcclosure', 'lua_createtable', 'lua_setfield', 'lua_checkstack', 'lua_concat', 'lua_error', 'lua_atpanic',
];

type EmModule = LuaWasm['module'];
type Exports = Record<string, unknown>;

// ---------------------------------------------------------------------------
// Capturing the raw wasm exports, and a lean setjmp trampoline.
//
// wasmoon's module object only exposes emscripten's debug wrappers around the
// exports (an assertion with a template string and an `apply` per call). The
// raw exports are what those wrappers call; we record the instance wasmoon
// creates and identify it by its memory.
//
// Lua's protected calls (lua_pcallk, pcall in Lua, errors) go through
// setjmp, which emscripten implements with the JS import `invoke_vii`. In this
// build that import also looks the function up with Table.get for an
// assertion and calls stackSave through a debug wrapper, on every protected
// call. We give the module the same trampoline without the debug work: it
// behaves exactly as emscripten's (save the C stack pointer, call the table
// entry, on a longjmp — thrown as a number — restore it and set the threw
// flag) and delegates to emscripten's own until it is enabled for our module.

// The lib settings have no WebAssembly declarations (no DOM lib); this is the slice used here.
interface WasmInstance {
  exports: Record<string, unknown>;
}
interface WasmApi {
  instantiate(...args: unknown[]): Promise<unknown>;
  Instance: abstract new (...args: never[]) => WasmInstance;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type Invoke = (index: number, a: number, b: number) => void;
type TableEntry = (a: number, b: number) => void;

interface Trampoline {
  /** Switches the module to the lean trampoline; false when its exports lack what it needs. */
  enable(exports: Exports): boolean;
}

/** Replaces `env.invoke_vii` of an emscripten module (with setjmp/longjmp) by a switchable trampoline. */
function installTrampoline(imports: unknown): Trampoline | undefined {
  const env = (imports as { env?: Record<string, unknown> } | undefined)?.env;
  const original = env?.invoke_vii as Invoke | undefined;
  if (!env || typeof original !== 'function' || typeof env._emscripten_throw_longjmp !== 'function') return undefined;
  let stackSave: (() => number) | undefined;
  let stackRestore: (sp: number) => void = () => {};
  let setThrew: (threw: number, value: number) => void = () => {};
  let table: { get(i: number): TableEntry } | undefined;
  const entries: TableEntry[] = [];
  env.invoke_vii = (index: number, a: number, b: number): void => {
    if (stackSave === undefined) return original(index, a, b);
    const sp = stackSave();
    try {
      (entries[index] ?? (entries[index] = table!.get(index)))(a, b);
    } catch (e) {
      stackRestore(sp);
      if (typeof e !== 'number') throw e; // a JS error, not a longjmp
      setThrew(1, 0);
    }
  };
  return {
    enable(exports) {
      const t = exports.__indirect_function_table as { get?: unknown } | undefined;
      if (typeof exports.stackSave !== 'function' || typeof exports.stackRestore !== 'function' || typeof exports.setThrew !== 'function' || typeof t?.get !== 'function') {
        return false;
      }
      // The entries protected calls go through are static C functions: caching them is safe.
      table = t as { get(i: number): TableEntry };
      stackRestore = exports.stackRestore as typeof stackRestore;
      setThrew = exports.setThrew as typeof setThrew;
      stackSave = exports.stackSave as () => number;
      return true;
    },
  };
}

let capturing = 0;
let seen: Array<{ instance: WasmInstance; trampoline: Trampoline | undefined }> = [];
let originalInstantiate: WasmApi['instantiate'] | undefined;

interface Started {
  lua: LuaWasm;
  /** The raw wasm exports, when they could be identified. */
  exports: Exports | undefined;
  /** Whether the lean setjmp trampoline is in use. */
  leanInvoke: boolean;
}

async function initLuaWasm(leanInvoke: boolean): Promise<Started> {
  if (capturing++ === 0) {
    const original = WA.instantiate;
    originalInstantiate = original;
    WA.instantiate = function (this: unknown, ...args: unknown[]) {
      const trampoline = installTrampoline(args[1]);
      return original.apply(this, args).then((r) => {
        const instance = r instanceof WA.Instance ? r : (r as { instance?: unknown }).instance;
        if (instance instanceof WA.Instance) seen.push({ instance, trampoline });
        return r;
      });
    };
  }
  let lua: LuaWasm;
  try {
    lua = await LuaWasm.initialize();
  } finally {
    if (--capturing === 0) {
      WA.instantiate = originalInstantiate!;
      originalInstantiate = undefined;
    }
  }
  const buffer = lua.module.HEAPU8.buffer;
  const i = seen.findIndex(({ instance }) => (instance.exports.memory as { buffer?: unknown } | undefined)?.buffer === buffer);
  let exports: Exports | undefined;
  let lean = false;
  if (i >= 0) {
    const found = seen[i]!;
    exports = found.instance.exports;
    if (leanInvoke && found.trampoline) lean = found.trampoline.enable(exports);
    seen.splice(i, 1);
  }
  if (capturing === 0) seen = [];
  return { lua, exports, leanInvoke: lean };
}

/** The part of the C API only limits need (lua_newstate with an allocator, hooks, the C allocator). */
interface LimitApi {
  lua_newstate(alloc: number, ud: number): number;
  lua_sethook(L: number, hook: number, mask: number, count: number): void;
  lua_gethookcount(L: number): number;
  realloc(p: number, size: number): number;
  free(p: number): void;
}

function bindLimitApi(module: EmModule, exports: Exports | undefined, raw: boolean): LimitApi {
  const api = {} as Record<string, unknown>;
  const mod = module as unknown as Exports;
  for (const name of ['lua_newstate', 'lua_sethook', 'lua_gethookcount', 'realloc', 'free'] as const) {
    const fn = raw && typeof exports?.[name] === 'function' ? exports[name] : mod[`_${name}`];
    if (typeof fn !== 'function') throw new Error(`wasmoon module exports no ${name} (needed for limits)`);
    api[name] = fn;
  }
  return api as unknown as LimitApi;
}

function bindApi(module: EmModule, exports: Exports | undefined, mode: ApiMode): { api: LuaApi; raw: boolean } {
  const api = {} as Record<string, unknown>;
  const raw = mode === 'raw' && exports !== undefined && API_NAMES.every((n) => typeof exports[n] === 'function');
  const mod = module as unknown as Exports;
  for (const name of API_NAMES) {
    const fn = raw ? exports![name] : mod[`_${name}`];
    if (typeof fn !== 'function') throw new Error(`wasmoon module exports no ${name}`);
    api[name] = fn;
  }
  return { api: api as unknown as LuaApi, raw };
}

// ---------------------------------------------------------------------------
// The Lua side of the binding, run once per state before the filter. It gets
// the table of native host functions and returns the message handler, the
// memory probe and the hook lookup, which stay on the stack at MSGH, MEMFN and
// HOOKS. Everything that could run filter code (a metamethod) runs protected.

const PRELUDE = String.raw`
local n = ...
local type, error, select, tostring, pcall, load_ = type, error, select, tostring, pcall, load
local unpack, concat, collectgarbage = table.unpack, table.concat, collectgarbage

req = {
  method = n.method,
  path = n.path,
  set_path = n.set_path,
  header = n.header,
  header_names = function() return { n.header_names() } end,
  set_header = n.set_header,
  add_header = n.add_header,
  remove_header = n.remove_header,
  body = n.body,
  set_body = n.set_body,
  respond = function(status, headers, body)
    local flat, k = {}, 0
    if headers ~= nil then
      if type(headers) ~= "table" then error("respond: headers must be a list of {name, value} pairs", 2) end
      for i = 1, #headers do
        local pair = headers[i]
        if type(pair) ~= "table" then error("respond: each header must be a {name, value} pair", 2) end
        flat[k + 1], flat[k + 2] = pair[1], pair[2]
        k = k + 2
      end
    end
    n.respond(status, body, unpack(flat, 1, k))
  end,
}

host = { kv_get = n.kv_get, kv_set = n.kv_set, now_ms = n.now_ms, log = n.log }

-- print goes to the host log: stdout belongs to the harness.
print = function(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
  n.log("info", concat(parts, "\t"))
end

-- The sandbox of an embedded filter: no files, processes, environment or
-- debug library (the emscripten build would also crash the host on
-- os.execute / os.exit), text chunks only.
local os_ = os
os = { time = os_.time, clock = os_.clock, date = os_.date, difftime = os_.difftime }
io, debug, dofile, loadfile = nil, nil, nil, nil
package.loaded.io, package.loaded.debug, package.loaded.os = nil, nil, os
package.loadlib, package.path, package.cpath = nil, "", ""
_G.load = function(chunk, name, mode, ...) return load_(chunk, name, "t", ...) end

-- require: the filter's own folder, then workloads/lib.
package.searchers = {
  package.searchers[1],
  function(name)
    local src, where = n.find_module(name)
    if src == nil then return where end
    local fn, err = load_(src, "@" .. where, "t")
    if fn == nil then error("error loading module '" .. name .. "' from file '" .. where .. "':\n\t" .. err, 0) end
    return fn, where
  end,
}

local function msgh(e)
  if type(e) == "string" then return e end
  local ok, s = pcall(tostring, e)
  if ok and type(s) == "string" then return s end
  return "(error object is a " .. type(e) .. " value)"
end

-- rawget: a filter may guard _G against undefined globals (strict mode).
local rawget, G = rawget, _G
return msgh,
  function() return collectgarbage("count") end,
  function() return rawget(G, "handle"), rawget(G, "init") end
`;

// ---------------------------------------------------------------------------

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');
const PRELUDE_BYTES = utf8Encoder.encode(PRELUDE);
const SCRATCH_BYTES = 4096;
const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;
const LIB_DIR = fileURLToPath(new URL('../../workloads/lib/', import.meta.url));

type Native = (L: number) => number;

function noRequest(fn: string): never {
  throw new Error(`req.${fn}: no request in flight (req.* is available inside handle() only)`);
}

/**
 * One wasmoon module: its heap, the C API, the host functions (shared by all
 * of its states) and the "current request" slot they act on.
 */
class Engine {
  readonly m: EmModule;
  readonly api: LuaApi;
  readonly raw: boolean;
  /** The request in flight and the host of the instance running now. */
  ctx: RequestContext | null = null;
  host: HostServices | null = null;

  /** A 4-byte slot in the heap where lua_tolstring / luaL_checklstring write a length. */
  readonly lenPtr: number;
  /** The filter's source text in the heap, loaded into every new state. */
  private readonly source: number;
  private readonly sourceLen: number;
  private readonly prelude: number;
  /** Table slot of the panic handler. */
  private readonly panic: number;
  private readonly scratch: number;
  private readonly cstrings = new Map<string, number>();
  private readonly natives: Array<[nameptr: number, fnptr: number]> = [];
  private heapCache: Uint8Array | undefined;
  private bufCache: Buffer | undefined;
  private readonly moduleCache = new Map<string, { path: string; source: Buffer } | null>();

  // -- limits (opt-in) ---------------------------------------------------------
  /** Whether any limit is set: `handle` then marks each call (beginCall). */
  readonly limited: boolean;
  private readonly lim: LimitApi | undefined;
  private readonly cpuMs: number | undefined;
  private readonly memBytes: number | undefined;
  /** Table slots of the count hook and of the accounting allocator (0: not used). */
  private readonly hookFn: number = 0;
  private readonly allocFn: number = 0;
  /** Bytes each limited state holds, by the id its allocator gets as userdata. */
  private readonly held = new Map<number, number>();
  private nextStateId = 1;
  private callSeq = 0;
  private polledSeq = -1;
  private callStartedAt = 0;
  private escalated = false;
  /** Whether lua_State's allowhook byte sits where countHook expects it (checked on each new state). */
  private allowhookAt7 = true;
  /** Which limit stopped the call in flight, if one did. */
  private cpuHit = false;
  private memHit = false;

  constructor(
    lua: LuaWasm,
    exports: Exports | undefined,
    mode: ApiMode,
    readonly file: string,
    readonly chunkName: string,
    source: Uint8Array,
    limits: RuntimeLimits = {},
  ) {
    this.m = lua.module;
    ({ api: this.api, raw: this.raw } = bindApi(this.m, exports, mode));
    this.limited = hasLimits(limits);
    this.cpuMs = limits.cpuBudgetMs;
    this.memBytes = limits.memoryBudgetBytes;
    if (this.limited) {
      const lim = (this.lim = bindLimitApi(this.m, exports, this.raw));
      if (this.cpuMs !== undefined) this.hookFn = this.m.addFunction(this.countHook(lim, this.cpuMs), 'vii');
      if (this.memBytes !== undefined) this.allocFn = this.m.addFunction(this.allocator(lim, this.memBytes), 'iiiii');
    }
    this.lenPtr = this.m._malloc(8);
    this.scratch = this.m._malloc(SCRATCH_BYTES);
    this.source = this.copyIn(source);
    this.sourceLen = source.length;
    this.prelude = this.copyIn(PRELUDE_BYTES);
    this.registerNatives();
    // Unprotected errors should not happen (everything that can run filter
    // code is called protected), but if one does, Lua's default panic aborts
    // the whole wasm module. This turns it into a JS error instead.
    this.panic = this.m.addFunction((L: number) => {
      const p = this.api.lua_tolstring(L, -1, this.lenPtr);
      throw new LuaPanic(p === 0 ? 'unprotected error' : `unprotected error: ${this.utf8At(p, this.len)}`);
    }, 'ii');
  }

  /**
   * The CPU budget: a count hook every HOOK_COUNT instructions. The budget is
   * counted from the first hook of a call (a call that never reaches it pays
   * nothing), so a call may run HOOK_COUNT instructions more than its budget.
   * Past it, the hook raises a Lua error and from then on runs at every
   * instruction, so a filter that catches the error with pcall cannot go on: the
   * next instruction outside the pcall raises it again.
   */
  private countHook(lim: LimitApi, cpuMs: number): (L: number, ar: number) => void {
    return (L: number): void => {
      if (this.polledSeq !== this.callSeq) {
        this.polledSeq = this.callSeq;
        this.callStartedAt = Date.now();
        if (this.escalated && lim.lua_gethookcount(L) !== HOOK_COUNT) lim.lua_sethook(L, this.hookFn, LUA_MASKCOUNT, HOOK_COUNT);
        return;
      }
      if (Date.now() - this.callStartedAt <= cpuMs) {
        if (this.escalated && lim.lua_gethookcount(L) !== HOOK_COUNT) lim.lua_sethook(L, this.hookFn, LUA_MASKCOUNT, HOOK_COUNT);
        return;
      }
      this.cpuHit = true;
      this.escalated = true;
      lim.lua_sethook(L, this.hookFn, LUA_MASKCOUNT, 1);
      // Lua runs a hook with hooks off (L->allowhook = 0) and raising from it runs an
      // xpcall message handler still in that state: a handler that loops would never be
      // stopped. Hooks are turned back on before raising, so the handler is stopped too
      // (its own errors end in "error in error handling"). allowhook is the byte after
      // status in lua_State (Lua 5.4: CommonHeader = next(4) tt(1) marked(1), status, allowhook);
      // openState checks that layout on every state, and inside a hook it must read 0.
      const heap = this.m.HEAPU8;
      if (this.allowhookAt7 && heap[L + 7] === 0) heap[L + 7] = 1;
      this.pushUtf8(L, `CPU budget of ${cpuMs} ms exceeded (stopped by the count hook)`);
      this.api.lua_error(L); // a longjmp: never returns
    };
  }

  /**
   * The memory budget: the allocator of every limited state (lua_newstate),
   * wasmoon's traceAllocations/memoryMax scheme: it counts what the state holds
   * and refuses to let it grow past the budget. Lua then runs an emergency full
   * collection, retries, and raises "not enough memory" (LUA_ERRMEM), which a
   * protected call survives. Shrinking and freeing always succeed (Lua needs that).
   */
  private allocator(lim: LimitApi, memBytes: number): (ud: number, ptr: number, osize: number, nsize: number) => number {
    const held = this.held;
    return (ud, ptr, osize, nsize) => {
      const now = held.get(ud) ?? 0;
      if (nsize === 0) {
        if (ptr !== 0) {
          held.set(ud, now - osize);
          lim.free(ptr);
        }
        return 0;
      }
      // With ptr NULL, osize is the kind of object, not a size.
      const after = now + (ptr !== 0 ? nsize - osize : nsize);
      if (after > memBytes && (ptr === 0 || nsize > osize)) {
        this.memHit = true;
        return 0;
      }
      const p = lim.realloc(ptr, nsize);
      if (p !== 0) held.set(ud, after);
      return p;
    };
  }

  /** Marks the start of a limited call (handle, init, the main chunk). */
  beginCall(): void {
    this.callSeq++;
    this.cpuHit = false;
    this.memHit = false;
  }

  /** A protected call failed with `status`: the LimitExceeded to throw, when a limit did it. */
  limitError(status: number, message: string): LimitExceeded | undefined {
    if (this.cpuHit) {
      // The message is the budget's: what Lua says after the hook raised (possibly "error in error handling") adds nothing.
      return new LimitExceeded('cpu', 'Lua count hook (CPU budget)', `lua: CPU budget of ${this.cpuMs} ms exceeded (stopped by the count hook)`);
    }
    // Only when the allocator refused: LUA_ERRMEM without that is the wasm heap itself running out.
    if (this.memHit && (status === LUA_ERRMEM || /not enough memory/.test(message))) {
      return new LimitExceeded(
        'memory',
        "Lua memory budget (the state's allocator refused; Lua raised not enough memory)",
        `lua: memory budget of ${this.memBytes} bytes exceeded: ${message}`,
      );
    }
    return undefined;
  }

  private readonly stateIds = new Map<number, number>();

  /** A new Lua state: with the accounting allocator and the count hook when limits are set. */
  private openState(): number {
    const lim = this.lim;
    if (lim === undefined) return this.api.luaL_newstate();
    let L: number;
    if (this.allocFn !== 0) {
      const id = this.nextStateId++;
      this.held.set(id, 0);
      L = lim.lua_newstate(this.allocFn, id);
      if (L === 0) this.held.delete(id);
      else this.stateIds.set(L, id);
    } else {
      L = this.api.luaL_newstate();
    }
    if (L !== 0 && this.hookFn !== 0) {
      // A new state: status LUA_OK (0) at L+6 and allowhook 1 at L+7, or the layout is not the one countHook knows.
      const heap = this.m.HEAPU8;
      if (heap[L + 6] !== 0 || heap[L + 7] !== 1) this.allowhookAt7 = false;
      lim.lua_sethook(L, this.hookFn, LUA_MASKCOUNT, HOOK_COUNT);
    }
    return L;
  }

  /** lua_close, and forget the state's accounting. */
  closeState(L: number): void {
    this.api.lua_close(L);
    const id = this.stateIds.get(L);
    if (id !== undefined) {
      this.stateIds.delete(L);
      this.held.delete(id);
    }
  }

  /** A NUL-terminated copy of `s` in the wasm heap, kept for the module's lifetime. */
  cstr(s: string): number {
    let p = this.cstrings.get(s);
    if (p === undefined) {
      const bytes = utf8Encoder.encode(s);
      p = this.m._malloc(bytes.length + 1);
      this.m.HEAPU8.set(bytes, p);
      this.m.HEAPU8[p + bytes.length] = 0;
      this.cstrings.set(s, p);
    }
    return p;
  }

  private copyIn(bytes: Uint8Array): number {
    const p = this.m._malloc(Math.max(1, bytes.length));
    this.m.HEAPU8.set(bytes, p);
    return p;
  }

  // -- strings between the heap and JS ---------------------------------------

  private buffer(): Buffer {
    const heap = this.m.HEAPU8;
    if (heap !== this.heapCache) {
      this.heapCache = heap;
      this.bufCache = Buffer.from(heap.buffer, heap.byteOffset, heap.byteLength);
    }
    return this.bufCache!;
  }

  /** Bytes at p..p+len as a JS string of char codes 0-255. */
  latin1At(p: number, len: number): string {
    if (len > 32) return this.buffer().toString('latin1', p, p + len);
    const heap = this.m.HEAPU8;
    let s = '';
    for (let i = p, end = p + len; i < end; i++) s += String.fromCharCode(heap[i]!);
    return s;
  }

  utf8At(p: number, len: number): string {
    const heap = this.m.HEAPU8;
    if (len <= 32) {
      let s = '';
      for (let i = p, end = p + len; i < end; i++) {
        const c = heap[i]!;
        if (c >= 0x80) return utf8Decoder.decode(heap.subarray(p, p + len));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return utf8Decoder.decode(heap.subarray(p, p + len));
  }

  get len(): number {
    return this.m.HEAPU32[this.lenPtr >> 2]!;
  }

  /** Argument `i` as a byte string (raises Lua's "bad argument" error otherwise). */
  argLatin1(L: number, i: number): string {
    const p = this.api.luaL_checklstring(L, i, this.lenPtr);
    return this.latin1At(p, this.len);
  }

  argUtf8(L: number, i: number): string {
    const p = this.api.luaL_checklstring(L, i, this.lenPtr);
    return this.utf8At(p, this.len);
  }

  argBytes(L: number, i: number): Uint8Array {
    const p = this.api.luaL_checklstring(L, i, this.lenPtr);
    return this.m.HEAPU8.slice(p, p + this.len);
  }

  pushLatin1(L: number, s: string): void {
    const n = s.length;
    if (n > SCRATCH_BYTES) {
      for (let i = 0; i < n; i++) if (s.charCodeAt(i) > 0xff) return this.pushBytes(L, utf8Encoder.encode(s));
      return this.pushBytes(L, Buffer.from(s, 'latin1'));
    }
    const heap = this.m.HEAPU8;
    const p = this.scratch;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) return this.pushBytes(L, utf8Encoder.encode(s));
      heap[p + i] = c;
    }
    this.api.lua_pushlstring(L, p, n);
  }

  pushUtf8(L: number, s: string): void {
    this.pushBytes(L, utf8Encoder.encode(s));
  }

  pushBytes(L: number, bytes: Uint8Array): void {
    const n = bytes.length;
    if (n <= SCRATCH_BYTES) {
      this.m.HEAPU8.set(bytes, this.scratch);
      this.api.lua_pushlstring(L, this.scratch, n);
      return;
    }
    const p = this.m._malloc(n);
    if (p === 0) throw new Error(`not enough memory for ${n} bytes`);
    try {
      this.m.HEAPU8.set(bytes, p);
      this.api.lua_pushlstring(L, p, n);
    } finally {
      this.m._free(p); // also runs when lua_pushlstring raises (a longjmp is a JS throw)
    }
  }

  /** The error value on top of the stack, as text (MSGH made it a string). */
  topMessage(L: number): string {
    const p = this.api.lua_tolstring(L, -1, this.lenPtr);
    return p === 0 ? '(error object is not a string)' : this.utf8At(p, this.len);
  }

  // -- host functions --------------------------------------------------------

  /**
   * Wraps a host function: any JS error becomes a Lua error at the filter's
   * call site (`level` frames up). Lua's own errors (a longjmp, which
   * emscripten throws as a number) pass through untouched.
   */
  private native(name: string, level: number, fn: Native): void {
    const api = this.api;
    const wrapped = (L: number): number => {
      let err: unknown;
      try {
        return fn(L);
      } catch (e) {
        if (typeof e === 'number') throw e; // a longjmp: Lua is already unwinding
        err = e;
      }
      api.luaL_where(L, level);
      this.pushUtf8(L, describe(err));
      api.lua_concat(L, 2);
      return api.lua_error(L);
    };
    const fnptr = this.m.addFunction(wrapped, 'ii');
    this.natives.push([this.cstr(name), fnptr]);
  }

  private registerNatives(): void {
    const api = this.api;
    const ctx = (fn: string): RequestContext => this.ctx ?? noRequest(fn);
    const host = (): HostServices => {
      if (!this.host) throw new Error('host services are not available');
      return this.host;
    };

    this.native('method', 1, (L) => (this.pushLatin1(L, ctx('method').method()), 1));
    this.native('path', 1, (L) => (this.pushLatin1(L, ctx('path').path()), 1));
    this.native('set_path', 1, (L) => (ctx('set_path').setPath(this.argLatin1(L, 1)), 0));
    this.native('header', 1, (L) => {
      const v = ctx('header').header(this.argLatin1(L, 1));
      if (v === undefined) api.lua_pushnil(L);
      else this.pushLatin1(L, v);
      return 1;
    });
    this.native('header_names', 2, (L) => {
      const names = ctx('header_names').headerNames();
      if (!api.lua_checkstack(L, names.length + 1)) throw new Error('header_names: stack overflow');
      for (const name of names) this.pushLatin1(L, name);
      return names.length;
    });
    this.native('set_header', 1, (L) => {
      const c = ctx('set_header');
      c.setHeader(this.argLatin1(L, 1), this.argLatin1(L, 2));
      return 0;
    });
    this.native('add_header', 1, (L) => {
      const c = ctx('add_header');
      c.addHeader(this.argLatin1(L, 1), this.argLatin1(L, 2));
      return 0;
    });
    this.native('remove_header', 1, (L) => (ctx('remove_header').removeHeader(this.argLatin1(L, 1)), 0));
    this.native('body', 1, (L) => (this.pushBytes(L, ctx('body').body()), 1));
    this.native('set_body', 1, (L) => (ctx('set_body').setBody(this.argBytes(L, 1)), 0));
    // Called by the Lua wrapper in PRELUDE: respond(status, body, name1, value1, ...).
    this.native('respond', 2, (L) => {
      const c = ctx('respond');
      const status = api.luaL_checknumber(L, 1);
      const body = api.lua_type(L, 2) === LUA_TNIL ? new Uint8Array(0) : this.argBytes(L, 2);
      const top = api.lua_gettop(L);
      const headers: Array<[string, string]> = [];
      for (let i = 3; i <= top; i += 2) {
        const np = api.lua_tolstring(L, i, this.lenPtr);
        const name = np === 0 ? undefined : this.latin1At(np, this.len);
        const vp = i + 1 <= top ? api.lua_tolstring(L, i + 1, this.lenPtr) : 0;
        const value = vp === 0 ? undefined : this.latin1At(vp, this.len);
        if (name === undefined || value === undefined) {
          throw new AbiError('invalid', 'respond: each header must be a {name, value} pair of strings');
        }
        headers.push([name, value]);
      }
      c.respond(status, headers, body);
      return 0;
    });

    this.native('kv_get', 1, (L) => {
      const v = host().kvGet(this.argUtf8(L, 1));
      if (v === undefined) api.lua_pushnil(L);
      else this.pushUtf8(L, v);
      return 1;
    });
    this.native('kv_set', 1, (L) => {
      const h = host();
      h.kvSet(this.argUtf8(L, 1), this.argUtf8(L, 2));
      return 0;
    });
    this.native('now_ms', 1, (L) => (api.lua_pushnumber(L, host().nowMs()), 1));
    this.native('log', 1, (L) => {
      const level = this.argLatin1(L, 1);
      if (!(LOG_LEVELS as readonly string[]).includes(level)) {
        throw new AbiError('invalid', `log: level ${JSON.stringify(level)} is not one of ${LOG_LEVELS.join(', ')}`);
      }
      const message = this.argUtf8(L, 2);
      host().log(level as LogLevel, message);
      return 0;
    });

    // For `require` (not part of the ABI): source bytes and path, or nil and why not.
    this.native('find_module', 1, (L) => {
      const name = this.argLatin1(L, 1);
      const found = this.findModule(name);
      if (found) {
        this.pushBytes(L, found.source);
        this.pushUtf8(L, found.path);
      } else {
        api.lua_pushnil(L);
        this.pushUtf8(L, `\n\tno module '${name}' in ${this.searchDirs().map((d) => `'${d}'`).join(' or ')}`);
      }
      return 2;
    });
  }

  private searchDirs(): string[] {
    return [path.dirname(path.resolve(this.file)), LIB_DIR];
  }

  private findModule(name: string): { path: string; source: Buffer } | null {
    if (!MODULE_NAME.test(name)) return null;
    let found = this.moduleCache.get(name);
    if (found !== undefined) return found;
    found = null;
    const rel = name.split('.').join(path.sep) + '.lua';
    for (const dir of this.searchDirs()) {
      const file = path.join(dir, rel);
      try {
        found = { path: displayPath(file), source: readFileSync(file) };
        break;
      } catch {
        // not there: next folder
      }
    }
    this.moduleCache.set(name, found);
    return found;
  }

  // -- states ----------------------------------------------------------------

  /**
   * A new state with the binding and the filter's main chunk run. Leaves
   * MSGH, MEMFN, HOOKS, HANDLE and INIT on the stack. Throws a FilterLoadError.
   */
  newState(): number {
    const api = this.api;
    const L = this.openState();
    if (L === 0) throw loadError(RUNTIME, this.file, 'cannot create a Lua state: out of memory');
    try {
      api.lua_atpanic(L, this.panic);
      api.luaL_openlibs(L);
      if (api.luaL_loadbufferx(L, this.prelude, PRELUDE_BYTES.length, this.cstr('=plugbench'), this.cstr('t')) !== LUA_OK) {
        throw new Error(`internal error in the Lua binding: ${this.topMessage(L)}`);
      }
      api.lua_createtable(L, 0, this.natives.length);
      for (const [nameptr, fnptr] of this.natives) {
        api.lua_pushcclosure(L, fnptr, 0);
        api.lua_setfield(L, -2, nameptr);
      }
      if (api.lua_pcallk(L, 1, 3, 0, 0, 0) !== LUA_OK) {
        throw new Error(`internal error in the Lua binding: ${this.topMessage(L)}`);
      }
      // Stack: [MSGH, MEMFN, HOOKS]
      const st = api.luaL_loadbufferx(L, this.source, this.sourceLen, this.cstr(this.chunkName), this.cstr('t'));
      if (st !== LUA_OK) {
        throw loadError(RUNTIME, this.file, `${st === LUA_ERRSYNTAX ? 'syntax error' : 'cannot load'}: ${this.topMessage(L)}`);
      }
      if (this.limited) this.beginCall();
      const ran = api.lua_pcallk(L, 0, 0, MSGH, 0, 0);
      if (ran !== LUA_OK) {
        const message = `error running the main chunk: ${this.topMessage(L)}`;
        const limit = this.limited ? this.limitError(ran, message) : undefined;
        if (limit) throw new LimitExceeded(limit.limit, limit.mechanism, loadError(RUNTIME, this.file, `running the main chunk: ${limit.message}`).message);
        throw loadError(RUNTIME, this.file, message);
      }
      api.lua_pushvalue(L, HOOKS);
      if (api.lua_pcallk(L, 0, 2, MSGH, 0, 0) !== LUA_OK) {
        throw new Error(`internal error in the Lua binding: ${this.topMessage(L)}`);
      }
      // Stack: [MSGH, MEMFN, HOOKS, HANDLE, INIT]
      if (api.lua_type(L, HANDLE) !== LUA_TFUNCTION) {
        throw loadError(RUNTIME, this.file, 'the filter defines no global function handle()');
      }
      return L;
    } catch (err) {
      if (!(err instanceof LuaPanic)) this.closeState(L);
      throw err;
    }
  }
}

/** A Lua error outside any protected call: the state it happened in is unusable. */
class LuaPanic extends Error {
  override name = 'LuaPanic';
}

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** A throwaway host for the load-time probe: the main chunk may call host.* at top level. */
function probeHost(): HostServices {
  const kv = new Map<string, string>();
  return {
    kvGet: (k) => kv.get(k),
    kvSet: (k, v) => void kv.set(k, v),
    nowMs: () => Date.now(),
    log: () => {},
  };
}

// ---------------------------------------------------------------------------

class LuaInstance implements FilterInstance {
  private L: number;
  /** Why the state can no longer be used (a panic), if it can't. */
  private broken: string | undefined;

  constructor(
    private readonly eng: Engine,
    private readonly host: HostServices,
    L: number,
  ) {
    this.L = L;
  }

  handle(ctx: RequestContext): string {
    const L = this.L;
    if (L === 0) throw new Error(this.broken ?? 'lua: handle called on a disposed instance');
    const eng = this.eng;
    const api = eng.api;
    eng.ctx = ctx;
    eng.host = this.host;
    try {
      // handle() as defined once the main chunk and init ran, pinned on the stack.
      api.lua_pushvalue(L, HANDLE);
      if (eng.limited) eng.beginCall();
      const status = api.lua_pcallk(L, 0, 1, MSGH, 0, 0);
      if (status !== LUA_OK) {
        const message = eng.topMessage(L);
        throw (eng.limited ? eng.limitError(status, message) : undefined) ?? new Error(`lua: ${message}`);
      }
      const p = api.lua_tolstring(L, -1, eng.lenPtr);
      if (p === 0) {
        const type = api.lua_type(L, -1);
        if (type === LUA_TNIL) return '';
        throw new Error(`lua: handle() returned a ${typeName(type)}; expected a string or nil`);
      }
      const len = eng.len;
      return len === 0 ? '' : eng.utf8At(p, len);
    } catch (err) {
      if (err instanceof LuaPanic) {
        // The state is inconsistent: never enter it again (and leak it rather than close it).
        this.L = 0;
        this.broken = `lua: the instance is unusable after an ${err.message}`;
        throw new Error(`lua: ${err.message}`);
      }
      throw err;
    } finally {
      if (this.L !== 0) api.lua_settop(L, BASE);
      eng.ctx = null;
    }
  }

  /** Bytes the Lua state holds (collectgarbage("count"), i.e. what its allocator handed out). */
  memoryBytes(): number {
    const L = this.L;
    if (L === 0) return 0;
    const eng = this.eng;
    const api = eng.api;
    eng.host = this.host;
    api.lua_pushvalue(L, MEMFN);
    let bytes = 0;
    if (api.lua_pcallk(L, 0, 1, MSGH, 0, 0) === LUA_OK) bytes = api.lua_tonumberx(L, -1, 0) * 1024;
    api.lua_settop(L, BASE);
    return Math.round(bytes);
  }

  dispose(): void {
    const L = this.L;
    if (L === 0) return;
    this.L = 0;
    this.eng.host = this.host; // __gc metamethods may still log
    this.eng.ctx = null;
    this.eng.closeState(L);
  }
}

function typeName(type: number): string {
  return ['nil', 'boolean', 'light userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'][type] ?? `type ${type}`;
}

// ---------------------------------------------------------------------------

export type ApiMode = 'raw' | 'wrapped';

export interface LuaRuntimeOptions {
  /** 'raw' (default): the wasm exports themselves; 'wrapped': emscripten's `module._lua_*` wrappers. */
  api?: ApiMode;
  /** Default true: the lean setjmp trampoline instead of emscripten's debug one. */
  leanInvoke?: boolean;
  /** Per-call CPU budget (count hook) and per-state memory budget (accounting allocator). Default: none. */
  limits?: RuntimeLimits;
}

function limitNotes(limits: RuntimeLimits): string {
  if (!hasLimits(limits)) {
    return 'No limits set: no allocation tracing and no instruction budget, so an endless loop or a memory bomb is stopped by the caller\'s watchdog, not by the runtime.';
  }
  const parts: string[] = [];
  if (limits.cpuBudgetMs !== undefined) {
    parts.push(
      `CPU budget ${limits.cpuBudgetMs} ms per call (main chunk and init included): a count hook (lua_sethook) every ${HOOK_COUNT} VM instructions, ` +
        'counted from the first hook of a call, raises a Lua error past the budget and then fires at every instruction, so pcall in the filter cannot outlast it; ' +
        'the state stays usable. With the hook set the VM takes its slower hook-checking path on every instruction.',
    );
  }
  if (limits.memoryBudgetBytes !== undefined) {
    parts.push(
      `Memory budget ${limits.memoryBudgetBytes} bytes per state: each state has an accounting allocator (lua_newstate; a JS call per Lua allocation) ` +
        'that refuses to let it hold more; Lua collects, retries and raises "not enough memory", which the protected call survives.',
    );
  }
  return 'Limits: ' + parts.join(' ');
}

export function createLuaRuntime(options: LuaRuntimeOptions = {}): Runtime {
  const mode = options.api ?? 'raw';
  const wantLean = options.leanInvoke ?? true;
  const limits = checkLimits(options.limits);
  // What the last load actually got (capturing the exports could fail).
  let raw = mode === 'raw';
  let lean = wantLean;

  return {
    name: RUNTIME,
    source: 'filter.lua',

    async info() {
      const calls = raw
        ? 'the raw wasm exports of the Lua C API'
        : mode === 'raw'
          ? "emscripten's wrappers of the Lua C API (the raw wasm exports could not be captured; ~0.2 µs more per call)"
          : "emscripten's wrappers of the Lua C API";
      const invoke = lean
        ? "a lean setjmp trampoline (emscripten's does a Table.get and a wrapped stackSave per protected call)"
        : "emscripten's setjmp trampoline";
      return {
        engine: 'Lua 5.4 (wasmoon)',
        version: WASMOON_VERSION,
        notes:
          'One wasm module per loaded filter, one lua_State per instance; wasmoon\'s high-level proxies (a Lua thread ' +
          'and value conversion per call, ~3 µs) are bypassed. ' +
          `A call is four wasm calls on ${calls} — lua_pushvalue of the pinned handle(), lua_pcallk, lua_tolstring, ` +
          `lua_settop — with the protected call going through ${invoke}; no JS allocation for an empty result. ` +
          'Each host function is one Lua→JS call through a C-function slot (addFunction) acting on the current request: ' +
          'arguments are read as (pointer, length) with luaL_checklstring and decoded byte for byte (latin1), results ' +
          'pushed with lua_pushlstring from a scratch buffer, one copy each way for bodies (all 256 byte values). ' +
          'req.header_names and req.respond add a Lua wrapper that builds or flattens the table. memoryBytes is the ' +
          'state\'s collectgarbage("count"). ' +
          limitNotes(limits),
      };
    },

    async load(file: string): Promise<LoadedFilter> {
      let source: Buffer;
      try {
        source = await readFile(file);
      } catch (err) {
        throw loadError(RUNTIME, file, err);
      }
      let eng: Engine;
      try {
        const started = await initLuaWasm(wantLean);
        eng = new Engine(started.lua, started.exports, mode, file, '@' + displayPath(path.resolve(file)), source, limits);
        raw = eng.raw;
        lean = started.leanInvoke;
      } catch (err) {
        throw loadError(RUNTIME, file, `cannot start wasmoon: ${describe(err)}`);
      }
      // Compile and run the main chunk once in a probe state, so a syntax
      // error or a missing handle() is reported here, at load.
      eng.host = probeHost();
      try {
        eng.closeState(eng.newState());
      } finally {
        eng.host = null;
      }

      return {
        async instantiate(config: string, host: HostServices): Promise<FilterInstance> {
          eng.host = host;
          const L = eng.newState();
          const api = eng.api;
          try {
            if (api.lua_type(L, INIT) === LUA_TFUNCTION) {
              api.lua_pushvalue(L, INIT);
              eng.pushUtf8(L, config);
              if (eng.limited) eng.beginCall();
              const status = api.lua_pcallk(L, 1, 2, MSGH, 0, 0);
              if (status !== LUA_OK) {
                const failed = loadError(RUNTIME, file, `init failed: ${eng.topMessage(L)}`);
                const limit = eng.limited ? eng.limitError(status, failed.message) : undefined;
                throw limit ? new LimitExceeded(limit.limit, limit.mechanism, failed.message, { cause: failed }) : failed;
              }
              // `return nil, "why"` (or false, "why") refuses the instance.
              const ok = api.lua_toboolean(L, -2) !== 0;
              if (!ok && (api.lua_type(L, -2) !== LUA_TNIL || api.lua_type(L, -1) !== LUA_TNIL)) {
                const p = api.lua_tolstring(L, -1, eng.lenPtr);
                const why = p === 0 ? `init returned ${api.lua_type(L, -2) === LUA_TNIL ? 'nil' : 'false'}` : eng.utf8At(p, eng.len);
                throw loadError(RUNTIME, file, `init failed: ${why}`);
              }
            }
            api.lua_settop(L, BASE);
          } catch (err) {
            if (!(err instanceof LuaPanic)) eng.closeState(L);
            throw err;
          }
          return new LuaInstance(eng, host, L);
        },
      };
    },
  };
}

const lua: Runtime = createLuaRuntime();
export default lua;
