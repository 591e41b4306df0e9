import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Account, AuditEntry } from '../../domain/accounts/account.types.js';
import type { LedgerEntry } from '../../domain/ledger/ledger.types.js';
import { badInput, DomainError } from '../../domain/errors.js';
import type { GraphqlContext } from '../context.js';
import { AccountConnection, AccountType } from '../types/account.graphql.js';
import { toConnection, type Connection } from '../types/connection.graphql.js';
import { LedgerEntryConnection } from '../types/ledger-entry.graphql.js';
import { AuditEntryConnection } from '../types/audit-entry.graphql.js';
import { AccountLedgerArgs, AccountSearchArgs, PageArgs } from '../types/page-args.graphql.js';

@Resolver(() => AccountType)
export class AccountResolver {
  @Authorized()
  @Query(() => AccountType, { description: "The caller's account; the first call creates it." })
  async me(@Ctx() ctx: GraphqlContext): Promise<Account> {
    return ctx.account();
  }

  @Authorized('support', 'admin')
  @Query(() => AccountType, { nullable: true, description: 'Support: one account by id or by email.' })
  async account(
    @Ctx() ctx: GraphqlContext,
    @Arg('id', () => ID, { nullable: true }) id?: string | null,
    @Arg('email', () => String, { nullable: true }) email?: string | null,
  ): Promise<Account | null> {
    if (Boolean(id) === Boolean(email)) throw badInput('pass exactly one of id and email');
    if (email) return ctx.services.accounts.findByEmail(email);
    try {
      return await ctx.services.accounts.getById(id!);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  @Authorized('support', 'admin')
  @Query(() => AccountConnection, { description: 'Support: accounts by email prefix, ordered by email.' })
  async accounts(
    @Ctx() ctx: GraphqlContext,
    @Args(() => AccountSearchArgs) args: AccountSearchArgs,
  ): Promise<Connection<Account>> {
    return toConnection(await ctx.services.accounts.search(args.search, args), args);
  }

  @Authorized('support', 'admin')
  @Query(() => AuditEntryConnection, {
    description: 'Support: audited actions on one account (adjustments, freezes, grants …), newest first.',
  })
  async accountAuditTrail(
    @Ctx() ctx: GraphqlContext,
    @Args(() => AccountLedgerArgs) args: AccountLedgerArgs,
  ): Promise<Connection<AuditEntry>> {
    return toConnection(await ctx.services.accounts.auditTrail(args.accountId, args), args);
  }

  /** Whoever may see an account may see its ledger: `me { ledger }`, or support's `account { ledger }`. */
  @FieldResolver(() => LedgerEntryConnection, { description: "This account's ledger, newest first." })
  async ledger(
    @Root() account: Account,
    @Ctx() ctx: GraphqlContext,
    @Args(() => PageArgs) args: PageArgs,
  ): Promise<Connection<LedgerEntry>> {
    return toConnection(await ctx.services.ledger.list(account.id, args), args);
  }
}
