import { ArgsType, Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionOf } from './connection.graphql.js';
import { MoneyType } from './credit-package.graphql.js';
import { PageArgs } from './page-args.graphql.js';

export enum PurchaseStatus {
  OPEN = 'open',
  PAID = 'paid',
  FAILED = 'failed',
  EXPIRED = 'expired',
  REFUNDED = 'refunded',
  PARTIALLY_REFUNDED = 'partially_refunded',
  DISPUTED = 'disputed',
}
registerEnumType(PurchaseStatus, {
  name: 'PurchaseStatus',
  valuesConfig: {
    OPEN: { description: 'Checkout started; not paid (yet).' },
    DISPUTED: { description: 'The payment is disputed; credits are taken back only if the dispute is lost.' },
  },
});

@ObjectType('CheckoutSession', { description: 'A Stripe Checkout page to send the customer to.' })
export class CheckoutSessionType {
  @Field(() => ID, { description: 'The Stripe Checkout session id (cs_…).' })
  id!: string;

  @Field(() => String, { description: 'Redirect the customer here.' })
  url!: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  expiresAt!: Date | null;
}

@ObjectType('Purchase', { description: 'One Checkout purchase of a credit package and what became of it.' })
export class PurchaseType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  accountId!: string;

  @Field(() => String)
  checkoutSessionId!: string;

  @Field(() => ID)
  packageId!: string;

  @Field(() => Int, { description: 'Credits the package holds.' })
  credits!: number;

  @Field(() => PurchaseStatus)
  status!: PurchaseStatus;

  @Field(() => Int)
  creditsGranted!: number;

  @Field(() => Int, { description: 'Taken back after refunds or a lost dispute.' })
  creditsClawedBack!: number;

  @Field(() => Int, { description: 'Credits that could not be taken back because they were already spent.' })
  clawbackShortfall!: number;

  @Field(() => MoneyType, { description: 'What the customer paid.' })
  price!: MoneyType;

  @Field(() => MoneyType, { description: 'How much of it was refunded.' })
  refunded!: MoneyType;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;
}

@ObjectType('PurchaseConnection')
export class PurchaseConnection extends ConnectionOf(PurchaseType, 'Purchase') {}

@ArgsType()
export class AccountPurchasesArgs extends PageArgs {
  @Field(() => ID)
  accountId!: string;
}
