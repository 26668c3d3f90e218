// TextEncoder/TextDecoder (UTF-8), URL/URLSearchParams (WHATWG URL parsing for ASCII hosts, no
// IDNA), structuredClone and crypto (getRandomValues, randomUUID; bytes from the child's
// node:crypto through `randomBytes`), evaluated inside a sandbox context the first time an agent touches one of them
// (sandbox-prelude.js). 
/* eslint-disable-next-line @typescript-eslint/no-unused-expressions -- a script whose value is this function (sandbox-quickjs.ts evaluates it) */
(function installWeb(randomBytes) {
  'use strict';
  const StringFromCharCode = String.fromCharCode;
  const ArrayIsArray = Array.isArray;

  // ---- UTF-8 ----------------------------------------------------------------------------------
  function utf8Encode(input) {
    const str = String(input);
    const out = [];
    for (let i = 0; i < str.length; i++) {
      let c = str.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
        const d = str.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        } else c = 0xfffd;
      } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return new Uint8Array(out);
  }

  function utf8Decode(bytes, fatal) {
    let out = '';
    const fail = () => {
      if (fatal) throw new TypeError('The encoded data was not valid for encoding utf-8');
      return '\ufffd';
    };
    for (let i = 0; i < bytes.length; ) {
      const b = bytes[i];
      let need = 0;
      let cp = 0;
      let min = 0;
      if (b < 0x80) {
        out += StringFromCharCode(b);
        i++;
        continue;
      } else if (b >= 0xc2 && b <= 0xdf) {
        [need, cp, min] = [1, b & 31, 0x80];
      } else if (b >= 0xe0 && b <= 0xef) {
        [need, cp, min] = [2, b & 15, 0x800];
      } else if (b >= 0xf0 && b <= 0xf4) {
        [need, cp, min] = [3, b & 7, 0x10000];
      } else {
        out += fail();
        i++;
        continue;
      }
      let j = 1;
      for (; j <= need; j++) {
        const n = bytes[i + j];
        if (n === undefined || (n & 0xc0) !== 0x80) break;
        cp = (cp << 6) | (n & 63);
      }
      if (j <= need || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        out += fail();
        i += Math.max(1, j);
        continue;
      }
      i += need + 1;
      if (cp >= 0x10000) {
        cp -= 0x10000;
        out += StringFromCharCode(0xd800 + (cp >> 10), 0xdc00 + (cp & 1023));
      } else out += StringFromCharCode(cp);
    }
    return out;
  }

  function toBytes(input) {
    if (input === undefined) return new Uint8Array(0);
    if (input instanceof ArrayBuffer) return new Uint8Array(input);
    if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    throw new TypeError('The "input" argument must be an ArrayBuffer or ArrayBufferView');
  }

  class TextEncoder {
    get encoding() {
      return 'utf-8';
    }
    encode(input = '') {
      return utf8Encode(input);
    }
    encodeInto(input, dest) {
      const bytes = utf8Encode(input);
      let written = bytes.length;
      if (written > dest.length) {
        written = dest.length;
        while (written > 0 && (bytes[written] & 0xc0) === 0x80) written--;
      }
      dest.set(bytes.subarray(0, written));
      const read = utf8Decode(bytes.subarray(0, written), false).length;
      return { read, written };
    }
  }

  class TextDecoder {
    #fatal;
    #ignoreBOM;
    constructor(label = 'utf-8', options = {}) {
      const l = String(label).trim().toLowerCase();
      if (l !== 'utf-8' && l !== 'utf8' && l !== 'unicode-1-1-utf-8') throw new RangeError('The "' + label + '" encoding is not supported');
      this.#fatal = Boolean(options && options.fatal);
      this.#ignoreBOM = Boolean(options && options.ignoreBOM);
    }
    get encoding() {
      return 'utf-8';
    }
    get fatal() {
      return this.#fatal;
    }
    get ignoreBOM() {
      return this.#ignoreBOM;
    }
    decode(input) {
      let bytes = toBytes(input);
      if (!this.#ignoreBOM && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      return utf8Decode(bytes, this.#fatal);
    }
  }

  // ---- URLSearchParams and URL (WHATWG URL for ASCII hosts; no IDNA) --------------------------
  const HEX = '0123456789ABCDEF';
  function percentEncode(str, shouldEncode) {
    let out = '';
    for (const ch of String(str)) {
      const c = ch.charCodeAt(0);
      if (ch.length === 1 && c < 0x80 && !shouldEncode(c)) out += ch;
      else for (const b of utf8Encode(ch)) out += '%' + HEX[b >> 4] + HEX[b & 15];
    }
    return out;
  }
  function percentDecode(str) {
    const bytes = utf8Encode(str);
    const out = [];
    for (let i = 0; i < bytes.length; i++) {
      const pair = StringFromCharCode(bytes[i + 1] || 0, bytes[i + 2] || 0);
      if (bytes[i] === 0x25 && /^[0-9a-fA-F]{2}$/.test(pair)) {
        out.push(parseInt(pair, 16));
        i += 2;
      } else out.push(bytes[i]);
    }
    return utf8Decode(new Uint8Array(out), false);
  }
  const inSet = (chars) => (c) => chars.indexOf(StringFromCharCode(c)) >= 0;
  const c0 = (c) => c < 0x20 || c > 0x7e;
  const fragmentSet = ((s) => (c) => c0(c) || s(c))(inSet(' "<>`'));
  const querySet = ((s) => (c) => c0(c) || s(c))(inSet(' "#<>'));
  const specialQuerySet = ((s) => (c) => querySet(c) || s(c))(inSet("'"));
  const pathSet = ((s) => (c) => querySet(c) || s(c))(inSet('?^`{}'));
  const userinfoSet = ((s) => (c) => pathSet(c) || s(c))(inSet('/:;=@[\\]|'));
  const formSet = (c) => !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2a || c === 0x2d || c === 0x2e || c === 0x5f);

  const formEncode = (s) => percentEncode(s, (c) => c !== 0x20 && formSet(c)).replace(/ /g, '+');
  const formDecode = (s) => percentDecode(s.replace(/\+/g, ' '));

  class URLSearchParams {
    #list = [];
    #onChange = null;
    constructor(init = '') {
      if (init instanceof URLSearchParams) this.#list = init.#list.map((p) => [p[0], p[1]]);
      else if (typeof init === 'object' && init !== null && typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const p = Array.from(pair);
          if (p.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
          this.#list.push([String(p[0]), String(p[1])]);
        }
      } else if (typeof init === 'object' && init !== null) {
        for (const key of Object.keys(init)) this.#list.push([key, String(init[key])]);
      } else this.#parse(String(init));
    }
    #parse(query) {
      this.#list = [];
      const q = query[0] === '?' ? query.slice(1) : query;
      for (const part of q.split('&')) {
        if (part === '') continue;
        const eq = part.indexOf('=');
        this.#list.push(eq < 0 ? [formDecode(part), ''] : [formDecode(part.slice(0, eq)), formDecode(part.slice(eq + 1))]);
      }
    }
    static _link(params, query, onChange) {
      params.#parse(query);
      params.#onChange = onChange;
    }
    static _reset(params, query) {
      params.#parse(query);
    }
    #changed() {
      if (this.#onChange) this.#onChange(this.toString());
    }
    get size() {
      return this.#list.length;
    }
    append(name, value) {
      this.#list.push([String(name), String(value)]);
      this.#changed();
    }
    delete(name, value) {
      const n = String(name);
      this.#list = this.#list.filter((p) => !(p[0] === n && (value === undefined || p[1] === String(value))));
      this.#changed();
    }
    get(name) {
      const p = this.#list.find((q) => q[0] === String(name));
      return p ? p[1] : null;
    }
    getAll(name) {
      return this.#list.filter((q) => q[0] === String(name)).map((q) => q[1]);
    }
    has(name, value) {
      return this.#list.some((q) => q[0] === String(name) && (value === undefined || q[1] === String(value)));
    }
    set(name, value) {
      const n = String(name);
      const i = this.#list.findIndex((q) => q[0] === n);
      if (i < 0) this.#list.push([n, String(value)]);
      else {
        this.#list[i][1] = String(value);
        this.#list = this.#list.filter((q, j) => j <= i || q[0] !== n);
      }
      this.#changed();
    }
    sort() {
      this.#list = this.#list.map((p, i) => [p, i]).sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1])).map((x) => x[0]);
      this.#changed();
    }
    forEach(fn, thisArg) {
      for (const [k, v] of this.#list.slice()) fn.call(thisArg, v, k, this);
    }
    *entries() {
      for (const [k, v] of this.#list.slice()) yield [k, v];
    }
    *keys() {
      for (const p of this.#list.slice()) yield p[0];
    }
    *values() {
      for (const p of this.#list.slice()) yield p[1];
    }
    [Symbol.iterator]() {
      return this.entries();
    }
    toString() {
      return this.#list.map((p) => formEncode(p[0]) + '=' + formEncode(p[1])).join('&');
    }
  }

  const SPECIAL = { 'ftp:': '21', 'file:': '', 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };
  const isSpecial = (scheme) => Object.prototype.hasOwnProperty.call(SPECIAL, scheme);

  function parseIPv4Number(part) {
    if (part === '') return NaN;
    let radix = 10;
    if (/^0[xX]/.test(part)) [part, radix] = [part.slice(2), 16];
    else if (part.length > 1 && part[0] === '0') [part, radix] = [part.slice(1), 8];
    if (part === '') return 0;
    const re = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
    return re.test(part) ? parseInt(part, radix) : NaN;
  }
  function parseIPv4(host) {
    const parts = host.split('.');
    if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
    if (parts.length > 4) return null;
    const nums = parts.map(parseIPv4Number);
    if (nums.some((n) => Number.isNaN(n))) return null;
    const last = nums.pop();
    if (nums.some((n) => n > 255) || last >= 256 ** (4 - nums.length)) return null;
    let ip = last;
    nums.forEach((n, i) => (ip += n * 256 ** (3 - i)));
    return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.');
  }
  function parseHost(input, special) {
    if (input[0] === '[') {
      if (input[input.length - 1] !== ']' || !/^[0-9a-fA-F:.]+$/.test(input.slice(1, -1)) || input.indexOf(':') < 0) return null;
      return input.toLowerCase();
    }
    if (!special) return /[\0\t\n\r #/:<>?@[\\\]^|]/.test(input) ? null : percentEncode(input, c0);
    const domain = percentDecode(input).toLowerCase();
    if (domain === '' || /[^\x21-\x7e]/.test(domain) || /[\0\t\n\r #%/:<>?@[\\\]^|]/.test(domain)) return null;
    const labels = domain.split('.');
    const lastLabel = labels[labels.length - 1] === '' && labels.length > 1 ? labels[labels.length - 2] : labels[labels.length - 1];
    if (/^(0[xX][0-9a-fA-F]*|[0-9]+)$/.test(lastLabel)) return parseIPv4(domain);
    return domain;
  }
  function normalizePath(segments, special) {
    const out = [];
    for (const seg of segments) {
      const s = seg.toLowerCase();
      if (s === '..' || s === '.%2e' || s === '%2e.' || s === '%2e%2e') {
        out.pop();
        if (seg === segments[segments.length - 1]) out.push('');
      } else if (s === '.' || s === '%2e') {
        if (seg === segments[segments.length - 1]) out.push('');
      } else out.push(percentEncode(seg, pathSet));
    }
    if (special && out.length === 0) out.push('');
    return out;
  }
  function parseURL(raw, base) {
    let input = String(raw).replace(/^[\0- ]+|[\0- ]+$/g, '').replace(/[\t\n\r]/g, '');
    const r = { scheme: '', username: '', password: '', host: null, port: '', path: [], opaque: null, query: null, fragment: null };
    const hashAt = input.indexOf('#');
    if (hashAt >= 0) {
      r.fragment = percentEncode(input.slice(hashAt + 1), fragmentSet);
      input = input.slice(0, hashAt);
    }
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(input);
    let rest;
    if (m) {
      r.scheme = m[1].toLowerCase() + ':';
      rest = input.slice(m[0].length);
    } else {
      if (!base) return null;
      if (base.opaque !== null) {
        if (input !== '' || r.fragment === null) return null;
        return Object.assign({}, base, { fragment: r.fragment });
      }
      r.scheme = base.scheme;
      rest = input;
    }
    const special = isSpecial(r.scheme);
    const slash = special ? /^[/\\]/ : /^\//;
    const takeQuery = (s) => {
      const q = s.indexOf('?');
      if (q < 0) return s;
      r.query = percentEncode(s.slice(q + 1), special ? specialQuerySet : querySet);
      return s.slice(0, q);
    };
    const splitPath = (s) => (special ? s.split(/[/\\]/) : s.split('/'));
    const hasAuthority = special ? (m ? !(base && base.scheme === r.scheme && !slash.test(rest)) || r.scheme === 'file:' : /^[/\\]{2}/.test(rest)) : /^\/\//.test(rest);
    if (hasAuthority) {
      let after = r.scheme === 'file:' ? rest.replace(/^[/\\]{0,2}/, '') : special ? rest.replace(/^[/\\]*/, '') : rest.slice(2);
      const end = after.search(special ? /[/\\?]/ : /[/?]/);
      let authority = end < 0 ? after : after.slice(0, end);
      after = end < 0 ? '' : after.slice(end);
      const at = authority.lastIndexOf('@');
      if (at >= 0) {
        const info = authority.slice(0, at);
        const colon = info.indexOf(':');
        r.username = percentEncode(colon < 0 ? info : info.slice(0, colon), userinfoSet);
        r.password = colon < 0 ? '' : percentEncode(info.slice(colon + 1), userinfoSet);
        authority = authority.slice(at + 1);
      }
      const portMatch = /:([^:\]]*)$/.exec(authority);
      let hostText = authority;
      if (portMatch) {
        hostText = authority.slice(0, portMatch.index);
        if (portMatch[1] !== '') {
          if (!/^[0-9]+$/.test(portMatch[1]) || Number(portMatch[1]) > 65535) return null;
          r.port = String(Number(portMatch[1]));
          if (SPECIAL[r.scheme] === r.port) r.port = '';
        }
      }
      if (r.scheme === 'file:') r.host = hostText === '' || hostText.toLowerCase() === 'localhost' ? '' : parseHost(hostText, true);
      else r.host = hostText === '' && !special ? '' : parseHost(hostText, special);
      if (r.host === null || (special && r.scheme !== 'file:' && r.host === '')) return null;
      after = takeQuery(after);
      r.path = normalizePath(after === '' ? [] : splitPath(after).slice(1), special);
    } else if (!m || (special && base && base.scheme === r.scheme)) {
      if (!base) return null;
      r.username = base.username;
      r.password = base.password;
      r.host = base.host;
      r.port = base.port;
      rest = takeQuery(rest);
      if (slash.test(rest)) r.path = normalizePath(splitPath(rest).slice(1), special);
      else if (rest === '') {
        r.path = base.path.slice();
        if (r.query === null && input.indexOf('?') < 0) r.query = base.query;
      } else r.path = normalizePath(base.path.slice(0, -1).concat(splitPath(rest)), special);
    } else if (special) return null;
    else if (/^\//.test(rest)) {
      rest = takeQuery(rest);
      r.path = normalizePath(rest.split('/').slice(1), false);
    } else {
      rest = takeQuery(rest);
      r.opaque = percentEncode(rest, c0);
    }
    return r;
  }
  function serializePath(r) {
    if (r.opaque !== null) return r.opaque;
    return r.path.length === 0 ? '' : '/' + r.path.join('/');
  }
  function serializeURL(r, excludeFragment) {
    let out = r.scheme;
    if (r.host !== null) {
      out += '//';
      if (r.username !== '' || r.password !== '') out += r.username + (r.password !== '' ? ':' + r.password : '') + '@';
      out += r.host + (r.port !== '' ? ':' + r.port : '');
    } else if (r.opaque === null && r.path.length > 1 && r.path[0] === '') out += '/.';
    out += serializePath(r);
    if (r.query !== null) out += '?' + r.query;
    if (!excludeFragment && r.fragment !== null) out += '#' + r.fragment;
    return out;
  }

  class URL {
    #r;
    #params;
    constructor(url, base) {
      let b = null;
      if (base !== undefined) {
        b = parseURL(String(base), null);
        if (!b) throw new TypeError('Invalid base URL');
      }
      const r = parseURL(String(url), b);
      if (!r) throw new TypeError('Invalid URL');
      this.#r = r;
      this.#params = new URLSearchParams();
      URLSearchParams._link(this.#params, r.query || '', (q) => (this.#r.query = q === '' ? null : q));
    }
    static canParse(url, base) {
      try {
        new URL(url, base);
        return true;
      } catch {
        return false;
      }
    }
    #reparse(href) {
      const r = parseURL(href, null);
      if (!r) throw new TypeError('Invalid URL');
      this.#r = r;
      URLSearchParams._reset(this.#params, r.query || '');
    }
    get href() {
      return serializeURL(this.#r, false);
    }
    set href(v) {
      this.#reparse(String(v));
    }
    get origin() {
      const r = this.#r;
      return isSpecial(r.scheme) && r.scheme !== 'file:' ? r.scheme + '//' + r.host + (r.port !== '' ? ':' + r.port : '') : 'null';
    }
    get protocol() {
      return this.#r.scheme;
    }
    get username() {
      return this.#r.username;
    }
    set username(v) {
      this.#r.username = percentEncode(String(v), userinfoSet);
    }
    get password() {
      return this.#r.password;
    }
    set password(v) {
      this.#r.password = percentEncode(String(v), userinfoSet);
    }
    get host() {
      return this.#r.host === null ? '' : this.#r.host + (this.#r.port !== '' ? ':' + this.#r.port : '');
    }
    get hostname() {
      return this.#r.host === null ? '' : this.#r.host;
    }
    set hostname(v) {
      const host = parseHost(String(v), isSpecial(this.#r.scheme));
      if (host !== null && host !== '') this.#r.host = host;
    }
    get port() {
      return this.#r.port;
    }
    set port(v) {
      const s = String(v);
      if (s === '') this.#r.port = '';
      else if (/^[0-9]+/.test(s) && Number(/^[0-9]+/.exec(s)[0]) <= 65535) {
        const p = String(Number(/^[0-9]+/.exec(s)[0]));
        this.#r.port = SPECIAL[this.#r.scheme] === p ? '' : p;
      }
    }
    get pathname() {
      return serializePath(this.#r);
    }
    set pathname(v) {
      if (this.#r.opaque !== null) return;
      const special = isSpecial(this.#r.scheme);
      const s = String(v);
      const segments = special ? s.split(/[/\\]/) : s.split('/');
      this.#r.path = normalizePath(segments[0] === '' ? segments.slice(1) : segments, special);
    }
    get search() {
      return this.#r.query === null || this.#r.query === '' ? '' : '?' + this.#r.query;
    }
    set search(v) {
      const s = String(v);
      const q = s[0] === '?' ? s.slice(1) : s;
      this.#r.query = q === '' ? null : percentEncode(q, isSpecial(this.#r.scheme) ? specialQuerySet : querySet);
      URLSearchParams._reset(this.#params, q);
    }
    get searchParams() {
      return this.#params;
    }
    get hash() {
      return this.#r.fragment === null || this.#r.fragment === '' ? '' : '#' + this.#r.fragment;
    }
    set hash(v) {
      const s = String(v);
      const f = s[0] === '#' ? s.slice(1) : s;
      this.#r.fragment = f === '' ? null : percentEncode(f, fragmentSet);
    }
    toString() {
      return this.href;
    }
    toJSON() {
      return this.href;
    }
  }

  // ---- structuredClone --------------------------------------------------------------------------
  function structuredClone(value) {
    const seen = new Map();
    const fail = (what) => {
      const e = new Error(what + ' could not be cloned.');
      e.name = 'DataCloneError';
      throw e;
    };
    const clone = (v) => {
      if (typeof v === 'function' || typeof v === 'symbol') fail(String(typeof v));
      if (typeof v !== 'object' || v === null) return v;
      if (seen.has(v)) return seen.get(v);
      let out;
      if (ArrayIsArray(v)) {
        out = new Array(v.length);
        seen.set(v, out);
        for (const k of Object.keys(v)) out[k] = clone(v[k]);
        return out;
      }
      if (v instanceof Date) out = new Date(v.getTime());
      else if (v instanceof RegExp) out = new RegExp(v.source, v.flags);
      else if (v instanceof ArrayBuffer) out = v.slice(0);
      else if (ArrayBuffer.isView(v)) out = new v.constructor(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
      else if (v instanceof Map) {
        out = new Map();
        seen.set(v, out);
        for (const [k, val] of v) out.set(clone(k), clone(val));
        return out;
      } else if (v instanceof Set) {
        out = new Set();
        seen.set(v, out);
        for (const val of v) out.add(clone(val));
        return out;
      } else if (v instanceof Error) {
        out = new Error(v.message);
        out.name = v.name;
      } else if (v instanceof Promise || v instanceof WeakMap || v instanceof WeakSet) fail(Object.prototype.toString.call(v));
      else {
        out = {};
        seen.set(v, out);
        for (const k of Object.keys(v)) out[k] = clone(v[k]);
        return out;
      }
      seen.set(v, out);
      return out;
    };
    return clone(value);
  }

  // ---- crypto -------------------------------------------------------------------------------------
  const crypto = {
    getRandomValues(view) {
      if (!ArrayBuffer.isView(view) || view instanceof Float32Array || view instanceof Float64Array || view instanceof DataView) {
        throw new TypeError('The data argument must be an integer-type TypedArray');
      }
      if (view.byteLength > 65536) {
        const e = new Error('The ArrayBufferView byte length exceeds 65536');
        e.name = 'QuotaExceededError';
        throw e;
      }
      new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(new Uint8Array(randomBytes(view.byteLength)));
      return view;
    },
    randomUUID() {
      const b = new Uint8Array(randomBytes(16));
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      let h = '';
      for (let i = 0; i < 16; i++) h += (i === 4 || i === 6 || i === 8 || i === 10 ? '-' : '') + (b[i] < 16 ? '0' : '') + b[i].toString(16);
      return h;
    },
  };

  return { TextEncoder, TextDecoder, URL, URLSearchParams, structuredClone, crypto };
});
