import {
  getNamedType,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationRule,
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
 * OverlappingFieldsCanBeMerged rule is quadratic in it: 1,000 copies of `me { id }` cost a few
 * hundred milliseconds of CPU to validate, so they are refused before that rule looks at them.
 */
export const MAX_REPEATED_FIELD = 20;

/** Handed to the other validation rules in place of a refused document (see `queryLimitsRule`). */
const NOTHING_TO_VALIDATE: DocumentNode = { kind: Kind.DOCUMENT, definitions: [] };

/**
 * Depth / alias / cost / repetition limits as a validation rule, so they hold for the document
 * Apollo itself parsed and will execute, whatever the transport (POST body, GET query string of any
 * length), and run once per distinct document: Apollo caches only documents that passed validation.
 * Apollo runs it after graphql-js's own rules, in the same walk; it acts when the walk enters the
 * Document, before any other rule has seen a selection. A refused document is replaced for the rest
 * of the walk by an empty one (graphql-js's visitor continues with the node an enter hook returns),
 * so the other rules never spend their (partly quadratic) work on it.
 */
export function queryLimitsRule(limits: QueryLimits): ValidationRule {
  return (context) => ({
    Document(document) {
      const problems = checkDocument(context.getSchema(), document, limits);
      if (problems.length === 0) return undefined;
      for (const message of problems)
        context.reportError(new GraphQLError(message, { extensions: { reason: 'QUERY_LIMIT' } }));
      return NOTHING_TO_VALIDATE;
    },
  });
}

/** What is wrong with a parsed document (empty: within the limits). Linear in the document's size. */
export function checkDocument(schema: GraphQLSchema, document: DocumentNode, limits: QueryLimits): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const measurer = new Measurer(schema, fragments);
  const problems: string[] = [];
  for (const op of document.definitions) {
    if (op.kind !== Kind.OPERATION_DEFINITION) continue;
    const root =
      op.operation === 'query'
        ? schema.getQueryType()
        : op.operation === 'mutation'
          ? schema.getMutationType()
          : schema.getSubscriptionType();
    const m = measurer.selectionSet(op.selectionSet, root ?? undefined);
    const name = `operation ${op.name?.value ?? '(anonymous)'}`;
    if (m.depth > limits.maxDepth) problems.push(`${name}: depth ${m.depth} exceeds the limit of ${limits.maxDepth}`);
    if (m.aliases > limits.maxAliases)
      problems.push(`${name}: ${count(m.aliases)} aliases exceed the limit of ${limits.maxAliases}`);
    if (m.cost > limits.maxCost) problems.push(`${name}: cost ${count(m.cost)} exceeds the limit of ${limits.maxCost}`);
    if (m.repeated.times > MAX_REPEATED_FIELD)
      problems.push(
        `${name}: "${m.repeated.name}" is selected ${count(m.repeated.times)} times in one selection set (limit ${MAX_REPEATED_FIELD})`,
      );
  }
  return problems;
}

/** Fragment bombs double at every level: their totals outgrow exact integers. */
const count = (n: number): string => (Number.isSafeInteger(n) ? String(n) : 'more than 2^53');

interface Repeated {
  name: string;
  times: number;
}

/** A selection set's totals; `cost` at a multiplier of 1 (it scales linearly with the page sizes above). */
interface Summary {
  depth: number;
  aliases: number;
  cost: number;
  /** Response names at the top level of the set, its inline fragments and spreads merged in. */
  names: Map<string, number>;
  /** The most repeated response name in any selection set inside (for a whole set: including its own). */
  repeated: Repeated;
}

/**
 * Walks each fragment once (its summary is memoised), so a fragment spread at every level of a
 * "fragment bomb" costs one lookup, not a re-walk: the analysis stays linear however much the
 * document would expand. A fragment spread twice in one selection set counts once, as it executes.
 */
class Measurer {
  private readonly done = new Map<string, Summary>();
  private readonly walking = new Set<string>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
  ) {}

  selectionSet(set: SelectionSetNode, parent: GraphQLNamedType | undefined): Summary {
    const s = empty();
    this.collect(set, parent, s, new Set());
    for (const [name, times] of s.names) if (times > s.repeated.times) s.repeated = { name, times };
    return s;
  }

  /** Adds `set` to `into`: inline fragments and spreads belong to the selection set they sit in. */
  private collect(
    set: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    into: Summary,
    spread: Set<string>,
  ): void {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const responseName = sel.alias?.value ?? sel.name.value;
        into.names.set(responseName, (into.names.get(responseName) ?? 0) + 1);
        let depth = 1;
        let aliases = sel.alias ? 1 : 0;
        let cost = 1;
        if (sel.selectionSet) {
          const { type, factor } = fieldInfo(parent, sel);
          const child = this.selectionSet(sel.selectionSet, type);
          depth += child.depth;
          aliases += child.aliases;
          cost += factor * child.cost;
          worst(into, child.repeated);
        }
        add(into, depth, aliases, cost);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? this.schema.getType(sel.typeCondition.name.value) : parent;
        this.collect(sel.selectionSet, type ?? undefined, into, spread);
      } else {
        if (spread.has(sel.name.value)) continue;
        spread.add(sel.name.value);
        const f = this.fragment(sel.name.value);
        if (!f) continue;
        add(into, f.depth, f.aliases, f.cost);
        for (const [name, times] of f.names) into.names.set(name, (into.names.get(name) ?? 0) + times);
        worst(into, f.repeated);
      }
    }
  }

  private fragment(name: string): Summary | undefined {
    const known = this.done.get(name);
    if (known) return known;
    const def = this.fragments.get(name);
    // A fragment cycle is invalid anyway (validation reports it); here it just stops the walk.
    if (!def || this.walking.has(name)) return undefined;
    this.walking.add(name);
    const s = empty();
    this.collect(def.selectionSet, this.schema.getType(def.typeCondition.name.value) ?? undefined, s, new Set([name]));
    this.walking.delete(name);
    this.done.set(name, s);
    return s;
  }
}

const empty = (): Summary => ({ depth: 0, aliases: 0, cost: 0, names: new Map(), repeated: { name: '', times: 0 } });

function add(into: Summary, depth: number, aliases: number, cost: number): void {
  into.depth = Math.max(into.depth, depth);
  into.aliases += aliases;
  into.cost += cost;
}

function worst(into: Summary, r: Repeated): void {
  if (r.times > into.repeated.times) into.repeated = r;
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
