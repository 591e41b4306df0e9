import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Account } from '../../domain/accounts/account.types.js';
import type { GraphqlContext } from '../context.js';
import { AccountType } from '../types/account.graphql.js';

/** Support: freeze an account (it can no longer spend or buy) and lift it again; both audited. */
@Resolver()
export class AccountStatusResolver {
  @Authorized('support', 'admin')
  @Mutation(() => AccountType, { description: 'Support: block spending on the account; audited with the reason.' })
  async freezeAccount(
    @Ctx() ctx: GraphqlContext,
    @Arg('accountId', () => ID) accountId: string,
    @Arg('reason', () => String) reason: string,
  ): Promise<Account> {
    return ctx.services.accounts.freeze({ accountId, reason, actor: ctx.actor() });
  }

  @Authorized('support', 'admin')
  @Mutation(() => AccountType, { description: 'Support: make a frozen account active again; audited with the reason.' })
  async unfreezeAccount(
    @Ctx() ctx: GraphqlContext,
    @Arg('accountId', () => ID) accountId: string,
    @Arg('reason', () => String) reason: string,
  ): Promise<Account> {
    return ctx.services.accounts.unfreeze({ accountId, reason, actor: ctx.actor() });
  }
}
