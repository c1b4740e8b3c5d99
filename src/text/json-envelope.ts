/**
 * The envelope of the JSON control messages (file transfer, rooms): one
 * object `{v, t, …fields}` of a known version and type, with exactly the
 * fields that type names — nothing missing, nothing extra. What is inside
 * the fields is the caller's to check. Never throws: a reason, one line.
 */

/** Per type: the fields it must have and the ones it may have, besides `v` and `t`. */
export interface EnvelopeShape<T extends string> {
  version: number;
  maxChars: number;
  required: Readonly<Record<T, readonly string[]>>;
  optional?: Readonly<Partial<Record<T, readonly string[]>>>;
}

export type Envelope<T extends string> = { ok: true; type: T; fields: Record<string, unknown> } | { ok: false; reason: string };

export function parseEnvelope<T extends string>(body: unknown, shape: EnvelopeShape<T>): Envelope<T> {
  const bad = (reason: string): Envelope<T> => ({ ok: false, reason });
  if (typeof body !== 'string') return bad('not text');
  if (body.length > shape.maxChars) return bad(`longer than ${shape.maxChars} characters`);
  let o: unknown;
  try {
    o = JSON.parse(body);
  } catch {
    return bad('not JSON');
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return bad('not an object');
  const r = o as Record<string, unknown>;
  if (r['v'] !== shape.version) return bad(`version ${JSON.stringify(r['v'])} (this fernchat speaks ${shape.version})`);
  const t = r['t'];
  if (typeof t !== 'string' || !Object.hasOwn(shape.required, t)) return bad(`unknown type ${JSON.stringify(t)}`);
  const type = t as T;
  const required = shape.required[type];
  const allowed = new Set(['v', 't', ...required, ...(shape.optional?.[type] ?? [])]);
  for (const k of Object.keys(r)) if (!allowed.has(k)) return bad(`${type}: unexpected field ${JSON.stringify(k)}`);
  for (const k of required) if (!Object.hasOwn(r, k)) return bad(`${type}: missing ${k}`);
  return { ok: true, type, fields: r };
}
