import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { callerKey } from '../../domain/idempotency.js';
import type { WebhookFailure } from '../../domain/payments/purchase.types.js';
import type { ReconciliationReport } from '../../domain/payments/reconciliation.service.js';
import type { EventResult } from '../../domain/payments/stripe-events.service.js';
import type { GraphqlContext } from '../context.js';
import { toConnection, type Connection } from '../types/connection.graphql.js';
import { WebhookFailureArgs } from '../types/page-args.graphql.js';
import {
  ReconciliationReportType,
  StripeEventResultType,
  WebhookFailureConnection,
} from '../types/stripe-event.graphql.js';

/** Support's tools for payments that went wrong (README.md, "When an alert fires"). */
@Resolver()
export class StripeSupportResolver {
  @Authorized('support', 'admin')
  @Query(() => WebhookFailureConnection, {
    description: 'Support: Stripe events that failed, most recently seen first.',
  })
  async webhookFailures(
    @Ctx() ctx: GraphqlContext,
    @Args(() => WebhookFailureArgs) args: WebhookFailureArgs,
  ): Promise<Connection<WebhookFailure>> {
    const page = await ctx.services.stripeEvents.listFailures({ includeResolved: args.includeResolved ?? false }, args);
    return toConnection(page, args);
  }

  @Authorized('support', 'admin')
  @Mutation(() => StripeEventResultType, {
    description: 'Support: fetch an event from Stripe and apply it again (safe to repeat: applied at most once).',
  })
  async replayStripeEvent(
    @Ctx() ctx: GraphqlContext,
    @Arg('eventId', () => String) eventId: string,
    @Arg('idempotencyKey', () => String, {
      nullable: true,
      description: 'Repeat with the same key to get the first answer back; default: one replay per request.',
    })
    idempotencyKey: string | null,
  ): Promise<EventResult> {
    return ctx.services.paymentSupport.replayWebhook({
      eventId,
      actor: ctx.actor(),
      idempotencyKey: callerKey(idempotencyKey ?? `request-${ctx.requestId}`),
    });
  }

  @Authorized('support', 'admin')
  @Mutation(() => ReconciliationReportType, {
    description: "Support: grant any paid Checkout session of this account's Stripe customer that has no credits yet.",
  })
  async reconcileAccountPurchases(
    @Ctx() ctx: GraphqlContext,
    @Arg('accountId', () => ID) accountId: string,
  ): Promise<ReconciliationReport> {
    return ctx.services.reconciliation.runForAccount(accountId, ctx.actor());
  }
}
