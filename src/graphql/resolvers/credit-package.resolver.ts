import { Ctx, Query, Resolver } from 'type-graphql';
import type { GraphqlContext } from '../context.js';
import { CreditPackageType } from '../types/credit-package.graphql.js';

@Resolver(() => CreditPackageType)
export class CreditPackageResolver {
  @Query(() => [CreditPackageType], { description: 'The packs on sale (public: the pricing page needs no sign-in).' })
  creditPackages(@Ctx() ctx: GraphqlContext): CreditPackageType[] {
    return ctx.config.creditPackages.map((p) => ({
      id: p.id,
      name: p.name,
      credits: p.credits,
      price: { amount: p.amount, currency: p.currency.toUpperCase() },
    }));
  }
}
