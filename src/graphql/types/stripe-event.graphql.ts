import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionOf } from './connection.graphql.js';

export enum StripeEventStatus {
  PROCESSED = 'processed',
  DUPLICATE = 'duplicate',
  IGNORED = 'ignored',
  FAILED = 'failed',
}
registerEnumType(StripeEventStatus, {
  name: 'StripeEventStatus',
  valuesConfig: { DUPLICATE: { description: 'Already applied earlier; nothing changed.' } },
});

@ObjectType('WebhookFailure', { description: 'A Stripe event that could not be applied (nothing of it was kept).' })
export class WebhookFailureType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Pass to replayStripeEvent once the cause is fixed.' })
  eventId!: string;

  @Field(() => String)
  type!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The Checkout session the event is about (its own, or the purchase a refund or dispute names).',
  })
  checkoutSessionId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The account the event is about, when known.' })
  accountId!: string | null;

  @Field(() => String, { description: 'The last error.' })
  error!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => GraphQLISODateTime)
  firstSeenAt!: Date;

  @Field(() => GraphQLISODateTime)
  lastSeenAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When a later delivery or replay succeeded.' })
  resolvedAt?: Date;
}

@ObjectType('WebhookFailureConnection')
export class WebhookFailureConnection extends ConnectionOf(WebhookFailureType, 'WebhookFailure') {}

@ObjectType('StripeEventResult', { description: 'What handling one Stripe event did.' })
export class StripeEventResultType {
  @Field(() => String)
  eventId!: string;

  @Field(() => String)
  type!: string;

  @Field(() => StripeEventStatus)
  status!: StripeEventStatus;

  @Field(() => String, { description: 'e.g. granted, already_granted, refund_clawed_back, marked_disputed.' })
  outcome!: string;

  @Field(() => ID, { nullable: true })
  ledgerEntryId?: string;

  @Field(() => String, { nullable: true, description: 'Why it failed (status FAILED).' })
  error?: string;
}

@ObjectType('HealedPurchase')
export class HealedPurchaseType {
  @Field(() => String)
  checkoutSessionId!: string;

  @Field(() => ID)
  accountId!: string;

  @Field(() => Int)
  credits!: number;

  @Field(() => ID)
  ledgerEntryId!: string;
}

@ObjectType('ReconciliationFailure')
export class ReconciliationFailureType {
  @Field(() => String)
  checkoutSessionId!: string;

  @Field(() => String)
  error!: string;
}

@ObjectType('ReconciliationReport', { description: 'What a reconciliation against Stripe found and fixed.' })
export class ReconciliationReportType {
  @Field(() => GraphQLISODateTime)
  from!: Date;

  @Field(() => GraphQLISODateTime)
  to!: Date;

  @Field(() => Int, { description: 'Completed Checkout sessions looked at.' })
  scanned!: number;

  @Field(() => [HealedPurchaseType], { description: 'Paid sessions whose credits were missing and are now granted.' })
  healed!: HealedPurchaseType[];

  @Field(() => Int)
  alreadyGranted!: number;

  @Field(() => Int)
  skipped!: number;

  @Field(() => [ReconciliationFailureType])
  failures!: ReconciliationFailureType[];
}
