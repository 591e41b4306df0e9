import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../domain/pagination.js';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

/** Lexical tokens per document: the parser itself stops there. */
export const MAX_TOKENS = 4000;
/**
 * Times one response name may appear in one selection set (fragments included). graphql-js's
 * OverlappingFieldsCanBeMerged rule is quadratic in it: 1,000 copies of `me { id }` cost half a
 * second of CPU to validate, so they are refused before validation starts.
 */
export const MAX_REPEATED_FIELD = 20;

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
  repeated: { name: string; times: number };
}

interface Walk {
  fragments: Map<string, FragmentDefinitionNode>;
  schema: GraphQLSchema;
  repeated: { name: string; times: number };
}

/**
 * Static depth / alias / cost / repetition analysis, run on the raw query text before Apollo parses
 * and validates it, so an abusive document costs one cheap parse and is never validated or executed.
 * Cost: each field selection costs 1, times the page size of every paginated field above it
 * (`first`, its default when absent, the maximum when it is a variable). Returns what is wrong
 * (empty: go ahead). Documents that do not parse pass through: Apollo reports the syntax error.
 */
export function createQueryGuard(schema: GraphQLSchema, limits: QueryLimits): (source: string) => string[] {
  const accepted = new Set<string>();
  return (source) => {
    if (accepted.has(source)) return [];
    let document: DocumentNode;
    try {
      document = parse(source, { maxTokens: MAX_TOKENS, noLocation: true });
    } catch {
      return [];
    }
    const problems = checkDocument(schema, document, limits);
    if (problems.length === 0 && source.length <= 8192) {
      // Bounded: a client sending ever-new documents cannot grow it without limit.
      if (accepted.size >= 1000) accepted.clear();
      accepted.add(source);
    }
    return problems;
  };
}

export function checkDocument(schema: GraphQLSchema, document: DocumentNode, limits: QueryLimits): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const problems: string[] = [];
  for (const op of document.definitions) {
    if (op.kind !== Kind.OPERATION_DEFINITION) continue;
    const root =
      op.operation === 'query'
        ? schema.getQueryType()
        : op.operation === 'mutation'
          ? schema.getMutationType()
          : schema.getSubscriptionType();
    const walk: Walk = { fragments, schema, repeated: { name: '', times: 0 } };
    const m = measure(op.selectionSet, root ?? undefined, walk, 1, new Set(), new Map());
    const name = `operation ${op.name?.value ?? '(anonymous)'}`;
    if (m.depth > limits.maxDepth) problems.push(`${name}: depth ${m.depth} exceeds the limit of ${limits.maxDepth}`);
    if (m.aliases > limits.maxAliases)
      problems.push(`${name}: ${m.aliases} aliases exceed the limit of ${limits.maxAliases}`);
    if (m.cost > limits.maxCost) problems.push(`${name}: cost ${m.cost} exceeds the limit of ${limits.maxCost}`);
    if (m.repeated.times > MAX_REPEATED_FIELD)
      problems.push(
        `${name}: "${m.repeated.name}" is selected ${m.repeated.times} times in one selection set (limit ${MAX_REPEATED_FIELD})`,
      );
  }
  return problems;
}

/** `names` counts response names of the current selection set, shared with its inline fragments and spreads. */
function measure(
  set: SelectionSetNode,
  parent: GraphQLNamedType | undefined,
  walk: Walk,
  multiplier: number,
  visiting: Set<string>,
  names: Map<string, number>,
): Measure {
  const total: Measure = { depth: 0, aliases: 0, cost: 0, repeated: walk.repeated };
  const add = (m: Omit<Measure, 'repeated'>): void => {
    total.depth = Math.max(total.depth, m.depth);
    total.aliases += m.aliases;
    total.cost += m.cost;
  };
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const responseName = sel.alias?.value ?? sel.name.value;
      const times = (names.get(responseName) ?? 0) + 1;
      names.set(responseName, times);
      if (times > walk.repeated.times) Object.assign(walk.repeated, { name: responseName, times });
      const own = { depth: 1, aliases: sel.alias ? 1 : 0, cost: multiplier };
      if (sel.selectionSet) {
        const { type, factor } = fieldInfo(parent, sel);
        const child = measure(sel.selectionSet, type, walk, multiplier * factor, visiting, new Map());
        own.depth += child.depth;
        own.aliases += child.aliases;
        own.cost += child.cost;
      }
      add(own);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const type = sel.typeCondition ? walk.schema.getType(sel.typeCondition.name.value) : parent;
      add(measure(sel.selectionSet, type ?? undefined, walk, multiplier, visiting, names));
    } else {
      const name = sel.name.value;
      const fragment = walk.fragments.get(name);
      // A fragment cycle is invalid anyway (validation reports it); here it just stops the walk.
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      const type = walk.schema.getType(fragment.typeCondition.name.value) ?? undefined;
      add(measure(fragment.selectionSet, type, walk, multiplier, visiting, names));
      visiting.delete(name);
    }
  }
  return total;
}

/** A paginated field (one taking `first`) returns up to that many items; the API caps it at 100. */
function fieldInfo(
  parent: GraphQLNamedType | undefined,
  node: FieldNode,
): { type: GraphQLNamedType | undefined; factor: number } {
  if (!parent || !(isObjectType(parent) || isInterfaceType(parent))) return { type: undefined, factor: 1 };
  const def = parent.getFields()[node.name.value];
  if (!def) return { type: undefined, factor: 1 };
  const type = getNamedType(def.type);
  const firstArg = def.args.find((a) => a.name === 'first');
  if (!firstArg) return { type, factor: 1 };
  const given = node.arguments?.find((a) => a.name.value === 'first')?.value;
  if (!given) return { type, factor: clampPage(Number(firstArg.defaultValue ?? DEFAULT_PAGE_SIZE)) };
  if (given.kind === Kind.INT) return { type, factor: clampPage(Number(given.value)) };
  if (given.kind === Kind.NULL) return { type, factor: DEFAULT_PAGE_SIZE };
  return { type, factor: MAX_PAGE_SIZE }; // a variable: assume the largest page
}

const clampPage = (n: number): number => (Number.isFinite(n) ? Math.min(Math.max(Math.trunc(n), 1), MAX_PAGE_SIZE) : 1);
