import {
  GraphQLError,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLNamedType,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../domain/pagination.js';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

/**
 * Hard cap on lexical tokens, enforced by the parser itself: a huge document is refused before
 * any validation rule (some of which are quadratic in the number of fields) looks at it.
 */
export const MAX_TOKENS = 4000;

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
}

/**
 * Static depth / alias / cost analysis of each operation, run as a validation rule, so an abusive
 * document is refused before execution starts. Fragments are expanded (each at most once per path,
 * so cycles — which validation rejects anyway — cannot loop). Cost: every field selection costs 1,
 * times the page size of every list above it (`first`, or the default page size when it is a
 * variable or absent on a paginated field).
 */
export function queryLimitsRule(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node: OperationDefinitionNode) {
      const fragments = new Map<string, FragmentDefinitionNode>(
        context
          .getDocument()
          .definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
          .map((d) => [d.name.value, d]),
      );
      const schema = context.getSchema();
      const root = node.operation === 'query' ? schema.getQueryType() : schema.getMutationType();
      const walk = { fragments, schema: (name: string) => schema.getType(name) ?? undefined };
      const m = measure(node.selectionSet, root ?? undefined, walk, 1, new Set());
      const name = node.name?.value ?? 'anonymous';
      const problems: string[] = [];
      if (m.depth > limits.maxDepth) problems.push(`depth ${m.depth} exceeds the limit of ${limits.maxDepth}`);
      if (m.aliases > limits.maxAliases) problems.push(`${m.aliases} aliases exceed the limit of ${limits.maxAliases}`);
      if (m.cost > limits.maxCost) problems.push(`cost ${m.cost} exceeds the limit of ${limits.maxCost}`);
      for (const problem of problems)
        context.reportError(new GraphQLError(`operation ${name}: ${problem}`, { nodes: [node] }));
    },
  });
}

interface Walk {
  fragments: Map<string, FragmentDefinitionNode>;
  schema: (typeName: string) => GraphQLNamedType | undefined;
}

function measure(
  set: SelectionSetNode,
  parent: GraphQLNamedType | undefined,
  walk: Walk,
  multiplier: number,
  visiting: Set<string>,
): Measure {
  const total: Measure = { depth: 0, aliases: 0, cost: 0 };
  const add = (m: Measure, depthOffset: number): void => {
    total.depth = Math.max(total.depth, m.depth + depthOffset);
    total.aliases += m.aliases;
    total.cost += m.cost;
  };
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const own: Measure = { depth: 1, aliases: sel.alias ? 1 : 0, cost: multiplier };
      if (sel.selectionSet) {
        const { type, factor } = fieldInfo(parent, sel);
        const child = measure(sel.selectionSet, type, walk, multiplier * factor, visiting);
        own.depth += child.depth;
        own.aliases += child.aliases;
        own.cost += child.cost;
      }
      add(own, 0);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const type = sel.typeCondition ? walk.schema(sel.typeCondition.name.value) : parent;
      add(measure(sel.selectionSet, type, walk, multiplier, visiting), 0);
    } else {
      const name = sel.name.value;
      const fragment = walk.fragments.get(name);
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      add(
        measure(fragment.selectionSet, walk.schema(fragment.typeCondition.name.value), walk, multiplier, visiting),
        0,
      );
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
