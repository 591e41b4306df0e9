import { Field, GraphQLISODateTime, Int, ObjectType } from 'type-graphql';

@ObjectType('DailyCredits')
export class DailyCreditsType {
  @Field(() => String, { description: 'The UTC day, YYYY-MM-DD.' })
  day!: string;

  @Field(() => Int, { description: 'Credits granted by purchases.' })
  sold!: number;

  @Field(() => Int, { description: 'Credits spent, as a positive number.' })
  spent!: number;
}

@ObjectType('CreditsOverview', { description: 'Credits sold and spent per UTC day, summed by the database.' })
export class CreditsOverviewType {
  @Field(() => GraphQLISODateTime, { description: 'Start of the first day counted.' })
  from!: Date;

  @Field(() => [DailyCreditsType], { description: 'Every day of the window, oldest first (zeros included).' })
  days!: DailyCreditsType[];

  @Field(() => Int)
  totalSold!: number;

  @Field(() => Int)
  totalSpent!: number;
}

@ObjectType('ConsoleSettings', { description: 'What the support console needs before anyone signs in.' })
export class ConsoleSettingsType {
  @Field(() => String, { nullable: true, description: "The identity provider's sign-in page (CONSOLE_LOGIN_URL)." })
  loginUrl!: string | null;

  @Field(() => Int, { description: 'Adjustments larger than this ask for confirmation (SUPPORT_CONFIRM_ABOVE).' })
  supportConfirmAbove!: number;
}
