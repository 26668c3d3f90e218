// The capability APIs of `ctx`, evaluated inside a sandbox context only for runs that declare a
// capability (sandbox-prelude.js). Each API is a closure over `callHost`, which sends JSON to the
// parent; `apis` lists the host APIs the run's capabilities allow (sandbox.ts, CAPABILITY_APIS).
/* eslint-disable-next-line @typescript-eslint/no-unused-expressions -- a script whose value is this function (sandbox-quickjs.ts evaluates it) */
(function addHostApis(ctx, apis, callHost) {
  'use strict';
  const JSONParse = JSON.parse;
  function fetchResponse(res) {
    const body = String(res.body);
    return {
      ok: res.status >= 200 && res.status <= 299,
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
      url: res.url,
      text: () => Promise.resolve(body),
      json: () => Promise.resolve().then(() => JSONParse(body)),
    };
  }

  {
    const has = (api) => apis.indexOf(api) >= 0;
    if (has('fetch')) {
      ctx.fetch = (url, init) => {
        const i = init || {};
        let headers = i.headers;
        if (headers && typeof headers[Symbol.iterator] === 'function') headers = Object.fromEntries(headers);
        const req = { method: i.method === undefined ? 'GET' : String(i.method), headers: headers || {} };
        if (i.body !== undefined && i.body !== null) req.body = String(i.body);
        return callHost('fetch', [String(url), req]).then(fetchResponse);
      };
    }
    if (has('email.send')) ctx.email = { send: (message) => callHost('email.send', [message]) };
    if (has('storage.put')) {
      ctx.storage = {
        put: (key, data) => callHost('storage.put', [String(key), String(data)]),
        get: (key) => callHost('storage.get', [String(key)]),
        list: (prefix) => callHost('storage.list', prefix === undefined ? [] : [String(prefix)]),
        delete: (key) => callHost('storage.delete', [String(key)]),
      };
    }
    if (has('db.get')) {
      ctx.db = {
        get: (key) => callHost('db.get', [String(key)]),
        list: (prefix) => callHost('db.list', prefix === undefined ? [] : [String(prefix)]),
      };
      if (has('db.put')) {
        ctx.db.put = (key, value) => callHost('db.put', [String(key), value]);
        ctx.db.delete = (key) => callHost('db.delete', [String(key)]);
      }
    }
    if (has('emit')) ctx.emit = (type, data) => callHost('emit', [String(type), data === undefined ? null : data]);
    if (has('browser.read')) {
      ctx.browser = { read: (url, options) => callHost('browser.read', [String(url), options === undefined || options === null ? {} : options]) };
    }
    if (has('charge')) ctx.charge = (units, options) => callHost('charge', [units, options === undefined ? {} : options]);
  }
});
