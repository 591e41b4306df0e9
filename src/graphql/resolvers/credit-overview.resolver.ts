import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { CreditOverview } from '../../domain/ledger/credit-overview.service.js';
import type { GraphqlContext } from '../context.js';
import { ConsoleSettingsType, CreditsOverviewType } from '../types/credit-overview.graphql.js';

@Resolver()
export class CreditOverviewResolver {
  @Authorized('support', 'admin')
  @Query(() => CreditsOverviewType, { description: 'Support: credits sold and spent per UTC day, up to today.' })
  async creditsOverview(
    @Ctx() ctx: GraphqlContext,
    @Arg('days', () => Int, { defaultValue: 30, description: '1 to 366 days, today included.' }) days: number,
  ): Promise<CreditOverview> {
    return ctx.services.creditOverview.daily({ days });
  }

  /** Anonymous on purpose: the console shows the identity provider's button before anyone signs in. */
  @Query(() => ConsoleSettingsType, { description: 'What the support console needs before sign-in.' })
  consoleSettings(@Ctx() ctx: GraphqlContext): ConsoleSettingsType {
    return { loginUrl: ctx.config.CONSOLE_LOGIN_URL ?? null, supportConfirmAbove: ctx.config.SUPPORT_CONFIRM_ABOVE };
  }
}
