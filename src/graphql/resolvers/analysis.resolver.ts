import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { mapPage } from '../../domain/pagination.js';
import type { GraphqlContext } from '../context.js';
import { AnalyzePropertyInput } from '../types/analysis-input.graphql.js';
import { AnalysisConnection, AnalysisType, toAnalysisType } from '../types/analysis.graphql.js';
import { toConnection, type Connection } from '../types/connection.graphql.js';
import { PageArgs } from '../types/page-args.graphql.js';

@Resolver(() => AnalysisType)
export class AnalysisResolver {
  @Authorized()
  @Mutation(() => AnalysisType, {
    description:
      'Analyses a property (costs ANALYSIS_COST_CREDITS): credits are reserved first, captured on success, ' +
      'released on any failure. A retry with the same idempotencyKey returns the first analysis.',
  })
  async analyzeProperty(
    @Ctx() ctx: GraphqlContext,
    @Arg('input', () => AnalyzePropertyInput) input: AnalyzePropertyInput,
    @Arg('idempotencyKey', () => String, { description: 'Unique per intended analysis.' }) idempotencyKey: string,
  ): Promise<AnalysisType> {
    const me = await ctx.account();
    const analysis = await ctx.services.analyses.analyzeProperty({
      accountId: me.id,
      input,
      idempotencyKey,
      actor: ctx.actor(),
    });
    return toAnalysisType(analysis);
  }

  @Authorized()
  @Query(() => AnalysisType, { description: 'One of your own analyses.' })
  async analysis(@Ctx() ctx: GraphqlContext, @Arg('id', () => ID) id: string): Promise<AnalysisType> {
    const me = await ctx.account();
    return toAnalysisType(await ctx.services.analyses.getAnalysis(me.id, id));
  }

  @Authorized()
  @Query(() => AnalysisConnection, { description: 'Your own analyses, newest first.' })
  async analyses(@Ctx() ctx: GraphqlContext, @Args(() => PageArgs) args: PageArgs): Promise<Connection<AnalysisType>> {
    const me = await ctx.account();
    return toConnection(mapPage(await ctx.services.analyses.listAnalyses(me.id, args), toAnalysisType), args);
  }
}
