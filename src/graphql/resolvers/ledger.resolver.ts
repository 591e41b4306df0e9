import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Account } from '../../domain/accounts/account.types.js';
import { DomainError, notFound } from '../../domain/errors.js';
import type { LedgerEntry } from '../../domain/ledger/ledger.types.js';
import type { Actor, ActorType } from '../../domain/ports/documents.js';
import { isStaff } from '../auth/auth-checker.js';
import type { GraphqlContext } from '../context.js';
import { AccountType } from '../types/account.graphql.js';
import { toConnection, type Connection } from '../types/connection.graphql.js';
import { ActorObjectType, LedgerEntryConnection, LedgerEntryType } from '../types/ledger-entry.graphql.js';
import { AccountLedgerArgs, PageArgs } from '../types/page-args.graphql.js';

@Resolver(() => LedgerEntryType)
export class LedgerResolver {
  @Authorized()
  @Query(() => LedgerEntryConnection, { description: "The caller's own ledger, newest first." })
  async ledger(@Ctx() ctx: GraphqlContext, @Args(() => PageArgs) args: PageArgs): Promise<Connection<LedgerEntry>> {
    const me = await ctx.account();
    return toConnection(await ctx.services.ledger.list(me.id, args), args);
  }

  @Authorized('support', 'admin')
  @Query(() => LedgerEntryConnection, { description: "Support: any account's ledger, newest first." })
  async accountLedger(
    @Ctx() ctx: GraphqlContext,
    @Args(() => AccountLedgerArgs) args: AccountLedgerArgs,
  ): Promise<Connection<LedgerEntry>> {
    return toConnection(await ctx.services.ledger.list(args.accountId, args), args);
  }

  /**
   * Seeing an entry (e.g. a service's `spendCredits` payload) is not seeing its account: only the
   * owner and support/admin get it; anyone else gets null with FORBIDDEN. Batched through DataLoader:
   * a page of 100 entries costs one accounts read, not 100.
   */
  @FieldResolver(() => AccountType, {
    nullable: true,
    description: "The entry's account: for its owner and support/admin only (null with FORBIDDEN otherwise).",
  })
  async account(@Root() entry: LedgerEntry, @Ctx() ctx: GraphqlContext): Promise<Account> {
    if (!isStaff(ctx.principal) && !(await ownsAccount(ctx, entry.accountId)))
      throw new DomainError('FORBIDDEN', "only the account's owner and support may read it");
    const account = await ctx.loaders.accountById.load(entry.accountId);
    if (!account) throw notFound('account', { id: entry.accountId });
    return account;
  }

  @FieldResolver(() => ActorObjectType)
  actor(@Root() entry: LedgerEntry, @Ctx() ctx: GraphqlContext): ActorObjectType {
    return visibleActor(entry.actor, ctx);
  }
}

/** Only people have accounts: a service token never owns one (and none is created for it here). */
async function ownsAccount(ctx: GraphqlContext, accountId: string): Promise<boolean> {
  const p = ctx.principal;
  if (!p?.email || !p.roles.some((r) => r !== 'service')) return false;
  return (await ctx.account()).id === accountId;
}

/** What a customer may know about who changed their balance: the kind of actor, not the person. */
const PUBLIC_ACTOR_TYPE: Record<ActorType, ActorType> = {
  user: 'user',
  support: 'support',
  admin: 'support',
  discord: 'support',
  service: 'system',
  system: 'system',
  stripe: 'stripe',
};
const PERSON_ACTORS: ReadonlySet<ActorType> = new Set(['user', 'support', 'admin', 'service']);

function visibleActor(actor: Actor, ctx: GraphqlContext): ActorObjectType {
  const self = PERSON_ACTORS.has(actor.type) && ctx.principal?.subject === actor.id;
  if (isStaff(ctx.principal) || self) return actor as ActorObjectType;
  return { type: PUBLIC_ACTOR_TYPE[actor.type] as ActorObjectType['type'] };
}
