import { ArgsType, Field, ID, Int } from 'type-graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../domain/pagination.js';
import { AccountOrder } from './account.graphql.js';

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `Page size, 1 to ${MAX_PAGE_SIZE} (larger values are capped).`,
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "The previous page's `pageInfo.endCursor`." })
  after?: string | null;
}

@ArgsType()
export class AccountSearchArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Email prefix, case-insensitive.' })
  search?: string | null;

  @Field(() => AccountOrder, { nullable: true, defaultValue: AccountOrder.EMAIL })
  orderBy?: AccountOrder | null;
}

@ArgsType()
export class AccountLedgerArgs extends PageArgs {
  @Field(() => ID)
  accountId!: string;
}

@ArgsType()
export class WebhookFailureArgs extends PageArgs {
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Also list failures whose event was applied later.',
  })
  includeResolved?: boolean | null;
}
