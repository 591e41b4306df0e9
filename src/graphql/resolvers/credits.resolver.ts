import { Arg, Authorized, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import { callerKey } from '../../domain/idempotency.js';
import type { LedgerEntry } from '../../domain/ledger/ledger.types.js';
import type { GraphqlContext } from '../context.js';
import { LedgerEntryType } from '../types/ledger-entry.graphql.js';

const KEY_HELP = 'Unique per intended change: a retry with the same key replays the first result.';

@Resolver()
export class CreditsResolver {
  @Authorized('support', 'admin')
  @Mutation(() => LedgerEntryType, {
    description: 'Support: add (positive) or remove (negative) credits; never below zero; audited.',
  })
  async adjustCredits(
    @Ctx() ctx: GraphqlContext,
    @Arg('accountId', () => ID) accountId: string,
    @Arg('amount', () => Int) amount: number,
    @Arg('reason', () => String) reason: string,
    @Arg('idempotencyKey', () => String, { description: KEY_HELP }) idempotencyKey: string,
  ): Promise<LedgerEntry> {
    return ctx.services.ledger.adjust({
      accountId,
      amount,
      reason,
      idempotencyKey: callerKey(idempotencyKey),
      actor: ctx.actor(),
    });
  }

  @Authorized('service')
  @Mutation(() => LedgerEntryType, { description: 'Trusted backends: spend credits of an account.' })
  async spendCredits(
    @Ctx() ctx: GraphqlContext,
    @Arg('accountId', () => ID) accountId: string,
    @Arg('amount', () => Int) amount: number,
    @Arg('reason', () => String) reason: string,
    @Arg('idempotencyKey', () => String, { description: KEY_HELP }) idempotencyKey: string,
  ): Promise<LedgerEntry> {
    const actor = ctx.actor();
    return ctx.services.ledger.spend({
      accountId,
      amount,
      reason,
      idempotencyKey: callerKey(idempotencyKey),
      actor,
      source: { type: 'system', ref: actor.id },
    });
  }
}
