import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { callerKey } from '../../domain/idempotency.js';
import type { GrantMissingResult, PaymentDiagnosis } from '../../domain/support/payment-support.types.js';
import type { GraphqlContext } from '../context.js';
import { GrantMissingResultType, PaymentDiagnosisType } from '../types/payment-diagnosis.graphql.js';

/** "Credits not added after payment": the same service the Discord /credits diagnose command uses. */
@Resolver()
export class PaymentSupportResolver {
  @Authorized('support', 'admin')
  @Mutation(() => PaymentDiagnosisType, {
    description:
      "Support: compare the account's purchases with Stripe; when paid sessions were never granted, " +
      'returns a grantPrompt to pass to grantMissingCredits.',
  })
  async diagnoseMissingCredits(
    @Ctx() ctx: GraphqlContext,
    @Arg('accountId', () => ID) accountId: string,
    @Arg('idempotencyKey', () => String) idempotencyKey: string,
  ): Promise<PaymentDiagnosis> {
    return ctx.services.paymentSupport.diagnose({
      target: { accountId },
      actor: ctx.actor(),
      idempotencyKey: callerKey(idempotencyKey),
    });
  }

  @Authorized('support', 'admin')
  @Mutation(() => GrantMissingResultType, {
    description: 'Support: grant what a diagnosis found missing, once; pressing again changes nothing.',
  })
  async grantMissingCredits(
    @Ctx() ctx: GraphqlContext,
    @Arg('confirmationId', () => ID) confirmationId: string,
  ): Promise<GrantMissingResult> {
    return ctx.services.paymentSupport.grantMissing({ confirmationId, actor: ctx.actor() });
  }
}
