import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Account } from '../../domain/accounts/account.types.js';
import { notFound } from '../../domain/errors.js';
import type { LedgerEntry } from '../../domain/ledger/ledger.types.js';
import type { GraphqlContext } from '../context.js';
import { AccountType } from '../types/account.type.js';
import { toConnection, type Connection } from '../types/connection.type.js';
import { LedgerEntryConnection, LedgerEntryType } from '../types/ledger-entry.type.js';
import { AccountLedgerArgs, PageArgs } from '../types/page-args.type.js';

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

  /** Batched through DataLoader: a page of 100 entries costs one accounts read, not 100. */
  @FieldResolver(() => AccountType)
  async account(@Root() entry: LedgerEntry, @Ctx() ctx: GraphqlContext): Promise<Account> {
    const account = await ctx.loaders.accountById.load(entry.accountId);
    if (!account) throw notFound('account', { id: entry.accountId });
    return account;
  }
}
