import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AccountType } from './account.graphql.js';
import { PurchaseStatus } from './purchase.graphql.js';

export enum StripeView {
  CHECKED = 'checked',
  NOT_CONFIGURED = 'not_configured',
  NO_CUSTOMER = 'no_customer',
}
registerEnumType(StripeView, { name: 'StripeView', description: "Whether Stripe's own list could be consulted." });

@ObjectType('DiagnosedSession', {
  description: 'One Checkout session of the account, as our records and Stripe see it.',
})
export class DiagnosedSessionType {
  @Field(() => String)
  checkoutSessionId!: string;

  @Field(() => String, { nullable: true })
  packageId!: string | null;

  @Field(() => Int, { nullable: true })
  credits!: number | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => PurchaseStatus, { nullable: true, description: 'Our purchase row; null when we never recorded it.' })
  purchaseStatus!: PurchaseStatus | null;

  @Field(() => Int)
  creditsGranted!: number;

  @Field(() => String, { nullable: true, description: "Stripe's payment_status (paid, unpaid …)." })
  paymentStatus!: string | null;

  @Field(() => Boolean, { description: 'Paid at Stripe for this account and never granted.' })
  missingGrant!: boolean;
}

@ObjectType('GrantPrompt', { description: 'Pass its id to grantMissingCredits to grant exactly what is missing.' })
export class GrantPromptType {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  credits!: number;

  @Field(() => GraphQLISODateTime)
  expiresAt!: Date;
}

@ObjectType('PaymentDiagnosis')
export class PaymentDiagnosisType {
  @Field(() => AccountType)
  account!: AccountType;

  @Field(() => StripeView)
  stripe!: StripeView;

  @Field(() => [DiagnosedSessionType], { description: 'Newest first.' })
  sessions!: DiagnosedSessionType[];

  @Field(() => GrantPromptType, { nullable: true, description: 'null when nothing is missing.' })
  grantPrompt!: GrantPromptType | null;
}

@ObjectType('SessionGrant')
export class SessionGrantType {
  @Field(() => String)
  checkoutSessionId!: string;

  @Field(() => Int)
  credits!: number;

  @Field(() => String, { description: 'granted, already_granted, not_paid or not_found.' })
  outcome!: string;
}

@ObjectType('GrantMissingResult')
export class GrantMissingResultType {
  @Field(() => AccountType)
  account!: AccountType;

  @Field(() => [SessionGrantType])
  sessions!: SessionGrantType[];

  @Field(() => Int, { description: 'Credits granted by this call (0 when everything was already granted).' })
  granted!: number;
}
