import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { CheckoutSession, Purchase } from '../../domain/payments/purchase.types.js';
import type { GraphqlContext } from '../context.js';
import { toConnection, type Connection } from '../types/connection.graphql.js';
import { MoneyType } from '../types/credit-package.graphql.js';
import { PageArgs } from '../types/page-args.graphql.js';
import {
  AccountPurchasesArgs,
  CheckoutSessionType,
  PurchaseConnection,
  PurchaseType,
} from '../types/purchase.graphql.js';

@Resolver(() => PurchaseType)
export class PurchaseResolver {
  @Authorized()
  @Mutation(() => CheckoutSessionType, {
    description:
      'Starts buying a credit package: redirect the customer to the returned url. Credits arrive when Stripe ' +
      'confirms the payment. A retry with the same idempotencyKey returns the same session.',
  })
  async createCheckoutSession(
    @Ctx() ctx: GraphqlContext,
    @Arg('packageId', () => ID) packageId: string,
    @Arg('idempotencyKey', () => String) idempotencyKey: string,
  ): Promise<CheckoutSession> {
    const me = await ctx.account();
    return ctx.services.payments.createCheckoutSession({ accountId: me.id, packageId, idempotencyKey });
  }

  @Authorized()
  @Query(() => PurchaseConnection, { description: "The caller's purchases, newest first." })
  async purchases(@Ctx() ctx: GraphqlContext, @Args(() => PageArgs) args: PageArgs): Promise<Connection<Purchase>> {
    const me = await ctx.account();
    return toConnection(await ctx.services.payments.listPurchases(me.id, args), args);
  }

  @Authorized('support', 'admin')
  @Query(() => PurchaseConnection, { description: "Support: any account's purchases, newest first." })
  async accountPurchases(
    @Ctx() ctx: GraphqlContext,
    @Args(() => AccountPurchasesArgs) args: AccountPurchasesArgs,
  ): Promise<Connection<Purchase>> {
    return toConnection(await ctx.services.payments.listPurchases(args.accountId, args), args);
  }

  @FieldResolver(() => MoneyType)
  price(@Root() p: Purchase): MoneyType {
    return { amount: p.amountTotal, currency: p.currency.toUpperCase() };
  }

  @FieldResolver(() => MoneyType)
  refunded(@Root() p: Purchase): MoneyType {
    return { amount: p.amountRefunded, currency: p.currency.toUpperCase() };
  }
}
