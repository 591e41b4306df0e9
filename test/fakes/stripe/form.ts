/**
 * Stripe's request encoding: application/x-www-form-urlencoded with bracketed paths
 * (`line_items[0][price_data][currency]=usd`, `created[gte]=…`, `expand[]=…`). Values stay strings.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type Form = { [key: string]: FormValue };

export function parseForm(encoded: string): Form {
  const root: Form = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const m = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(key);
    if (!m) continue;
    const path = [m[1] as string, ...[...(m[2] ?? '').matchAll(/\[([^\]]*)\]/g)].map((x) => x[1] as string)];
    let node: Form | FormValue[] = root;
    path.forEach((segment, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d*$/.test(path[i + 1] as string);
      const container = node as Record<string, FormValue> & FormValue[];
      const slot = segment === '' && Array.isArray(node) ? node.length : segment;
      if (last) {
        container[slot as never] = value as never;
        return;
      }
      container[slot as never] ??= (nextIsIndex ? [] : {}) as never;
      node = container[slot as never] as unknown as Form | FormValue[];
    });
  }
  return root;
}

export const asString = (v: FormValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
export const asNumber = (v: FormValue | undefined): number | undefined =>
  typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined;
export const asObject = (v: FormValue | undefined): Form | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
export const asList = (v: FormValue | undefined): FormValue[] =>
  Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : [];
export const asStringRecord = (v: FormValue | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(asObject(v) ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
