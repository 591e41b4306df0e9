import { Field, ObjectType, type ClassType } from 'type-graphql';
import type { Page, PageArgs } from '../../domain/pagination.js';

@ObjectType('PageInfo', { description: 'Relay cursor pagination state.' })
export class PageInfoType {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'True when this page was requested with `after`.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor!: string | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: PageInfoType;
}

/**
 * A Relay connection for one node type: `<Name>Edge` and an abstract base to extend with
 * `@ObjectType('<Name>Connection') class X extends ConnectionOf(Node, '<Name>') {}`.
 */
export function ConnectionOf<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType()
  abstract class ConnectionBase {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [node], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes!: T[];

    @Field(() => PageInfoType)
    pageInfo!: PageInfoType;
  }
  return ConnectionBase;
}

export function toConnection<T>(page: Page<T>, args: PageArgs): Connection<T> {
  return {
    edges: page.items.map((node, i) => ({ cursor: page.cursors[i]!, node })),
    nodes: page.items,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: Boolean(args.after),
      startCursor: page.startCursor,
      endCursor: page.endCursor,
    },
  };
}
