// Evaluated inside every fresh QuickJS context before the agent's module (sandbox-quickjs.ts). It
// installs the globals an agent may use (setTimeout, clearTimeout, console;
// TextEncoder, TextDecoder, URL, URLSearchParams, structuredClone and crypto load from sandbox-web.js
// on first use) and builds `ctx` (its capability APIs come from sandbox-host-apis.js). `N` holds the child's native functions; it is
// a parameter, never a global, so the agent reaches the host only through the ctx closures below.
// The intrinsics the run needs are captured here, before any agent code can replace them.
/* eslint-disable-next-line @typescript-eslint/no-unused-expressions -- a script whose value is this function (sandbox-quickjs.ts evaluates it) */
(function installSandbox(N) {
  'use strict';
  const G = globalThis;
  const JSONStringify = JSON.stringify;
  const JSONParse = JSON.parse;
  const ObjectGetPrototypeOf = Object.getPrototypeOf;
  const ObjectPrototype = Object.prototype;
  const ArrayIsArray = Array.isArray;
  const MAX_TIMERS = 1000;

  const define = (name, value) => Object.defineProperty(G, name, { value, writable: true, configurable: true, enumerable: false });

  // ---- timers, console, the run ---------------------------------------------------------------
  const timers = new Map();
  let nextTimerId = 1;
  function setTimeout(fn, ms, ...args) {
    if (typeof fn !== 'function') throw new TypeError('setTimeout needs a function');
    if (timers.size >= MAX_TIMERS) throw new RangeError('Too many pending timers (at most ' + MAX_TIMERS + ' per run)');
    const id = nextTimerId++;
    timers.set(id, [fn, args]);
    N.setTimer(id, Math.max(0, Number(ms) || 0));
    return id;
  }
  function clearTimeout(id) {
    if (timers.delete(id)) N.clearTimer(id);
  }

  let maxLogChars = 65536;
  function format(value) {
    if (typeof value === 'string') return value;
    try {
      if (value instanceof Error) return String(value.name) + ': ' + String(value.message);
      const json = JSONStringify(value);
      if (json !== undefined) return json;
      return String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  const emitLog = (level, args) => {
    let message = '';
    for (let i = 0; i < args.length && message.length <= maxLogChars; i++) message += (i ? ' ' : '') + format(args[i]);
    N.log(level, message.length > maxLogChars ? message.slice(0, maxLogChars) : message);
  };
  const console = {
    log: (...a) => emitLog('log', a),
    info: (...a) => emitLog('info', a),
    warn: (...a) => emitLog('warn', a),
    error: (...a) => emitLog('error', a),
    debug: (...a) => emitLog('log', a),
  };

  const pendingHostCalls = new Map();
  function callHost(api, args) {
    let argsJson;
    try {
      argsJson = JSONStringify(args);
    } catch (e) {
      return Promise.reject(new TypeError('Capability arguments must be JSON: ' + format(e)));
    }
    return new Promise((resolve, reject) => {
      const callId = N.hostCall(api, argsJson);
      pendingHostCalls.set(callId, { resolve, reject });
    });
  }

  let abortRun = () => {};
  function makeSignal() {
    const listeners = [];
    const signal = {
      aborted: false,
      reason: undefined,
      onabort: null,
      addEventListener(type, fn) {
        if (type === 'abort' && typeof fn === 'function') listeners.push(fn);
      },
      removeEventListener(type, fn) {
        const i = listeners.indexOf(fn);
        if (i >= 0) listeners.splice(i, 1);
      },
      throwIfAborted() {
        if (signal.aborted) throw signal.reason;
      },
    };
    const fire = (message) => {
      if (signal.aborted) return;
      const reason = new Error(message);
      reason.name = 'AbortError';
      signal.aborted = true;
      signal.reason = reason;
      const event = { type: 'abort', target: signal };
      for (const fn of listeners.slice()) {
        try {
          fn.call(signal, event);
        } catch {
          // a listener's error is the agent's own business
        }
      }
      if (typeof signal.onabort === 'function') {
        try {
          signal.onabort(event);
        } catch {
          // as above
        }
      }
    };
    return { signal, fire };
  }

  function buildContext(data, apis) {
    const { signal, fire } = makeSignal();
    abortRun = fire;
    const ctx = {
      execution_id: data.context.execution_id,
      config: data.context.config,
      secrets: data.context.secrets,
      signal,
      log: (...a) => emitLog('log', a),
    };
    if (apis.length > 0) N.load('host-apis')(ctx, apis, callHost);
    return ctx;
  }

  function describeError(e) {
    if (e !== null && typeof e === 'object') {
      try {
        return { name: String(e.name), message: String(e.message) };
      } catch {
        return { name: 'Error', message: 'the agent threw an unprintable value' };
      }
    }
    try {
      return { name: 'Error', message: String(e) };
    } catch {
      return { name: 'Error', message: 'the agent threw an unprintable value' };
    }
  }

  define('setTimeout', setTimeout);
  define('clearTimeout', clearTimeout);
  // Compiling TextEncoder, TextDecoder, URL, URLSearchParams, structuredClone and crypto
  // (sandbox-web.js) costs more than a whole Hello-World run, so they are evaluated on first use.
  let web = null;
  for (const name of ['TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams', 'structuredClone', 'crypto']) {
    Object.defineProperty(G, name, {
      configurable: true,
      enumerable: false,
      get() {
        if (web === null) web = N.load('web')(N.randomBytes);
        define(name, web[name]);
        return web[name];
      },
      set(value) {
        define(name, value);
      },
    });
  }
  define('console', console);

  return {
    start(namespace, payloadJson, apis, maxOutputChars, logChars) {
      maxLogChars = logChars;
      const data = JSONParse(payloadJson);
      const ctx = buildContext(data, apis);
      Promise.resolve(namespace)
        .then((ns) => {
          const handler = ns.default;
          if (typeof handler !== 'function') throw new TypeError("The agent module's default export is not a function");
          return handler(data.inputs, ctx);
        })
        .then(
          (outputs) => {
            const proto = typeof outputs === 'object' && outputs !== null ? ObjectGetPrototypeOf(outputs) : undefined;
            if (proto === undefined || ArrayIsArray(outputs) || (proto !== ObjectPrototype && proto !== null)) {
              N.finish('invalid', 'The agent must return a plain JSON object');
              return;
            }
            let json;
            try {
              json = JSONStringify(outputs);
            } catch (e) {
              N.finish('invalid', 'The outputs are not JSON: ' + describeError(e).message);
              return;
            }
            if (typeof json !== 'string') N.finish('invalid', 'The agent must return a plain JSON object');
            else if (json.length > maxOutputChars) N.finish('too_large', String(json.length));
            else N.finish('ok', json);
          },
          (e) => N.finish('error', JSONStringify(describeError(e))),
        );
    },
    settleHost(callId, ok, text, code) {
      const call = pendingHostCalls.get(callId);
      if (!call) return;
      pendingHostCalls.delete(callId);
      if (ok) call.resolve(JSONParse(text));
      else {
        const e = new Error(text);
        if (code) e.code = code;
        call.reject(e);
      }
    },
    fireTimer(id) {
      const timer = timers.get(id);
      if (!timer) return;
      timers.delete(id);
      try {
        timer[0](...timer[1]);
      } catch (e) {
        emitLog('error', ['Uncaught', describeError(e).name + ': ' + describeError(e).message]);
      }
    },
    abort(message) {
      abortRun(message);
    },
  };
});
