import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionOf } from './connection.graphql.js';

export enum LedgerKind {
  PURCHASE = 'purchase',
  SPEND = 'spend',
  RESERVATION = 'reservation',
  RELEASE = 'release',
  REFUND_CLAWBACK = 'refund_clawback',
  DISPUTE_CLAWBACK = 'dispute_clawback',
  ADJUSTMENT = 'adjustment',
  BONUS = 'bonus',
}
registerEnumType(LedgerKind, { name: 'LedgerKind' });

export enum SourceType {
  STRIPE = 'stripe',
  SUPPORT = 'support',
  ANALYSIS = 'analysis',
  SYSTEM = 'system',
}
registerEnumType(SourceType, { name: 'SourceType' });

export enum ActorType {
  USER = 'user',
  SUPPORT = 'support',
  ADMIN = 'admin',
  SERVICE = 'service',
  SYSTEM = 'system',
  STRIPE = 'stripe',
  DISCORD = 'discord',
}
registerEnumType(ActorType, { name: 'ActorType' });

@ObjectType('LedgerSource', { description: 'What caused an entry (a Stripe payment, a support fix …).' })
export class LedgerSourceType {
  @Field(() => SourceType)
  type!: SourceType;

  @Field(() => String, { nullable: true, description: 'The id on the source side, e.g. a Stripe event.' })
  ref?: string;
}

@ObjectType('Actor', {
  description:
    'Who made the change. Support and admin callers (and the actor itself) see who exactly; everyone else ' +
    'sees only what kind of actor it was (SUPPORT, SYSTEM, STRIPE, USER), with id and name null.',
})
export class ActorObjectType {
  @Field(() => ActorType)
  type!: ActorType;

  @Field(() => String, {
    nullable: true,
    description: 'Identity-provider subject, Discord user id, Stripe event id …; null when hidden from the caller.',
  })
  id?: string;

  @Field(() => String, { nullable: true, description: 'Email, Discord tag …; null when hidden from the caller.' })
  name?: string;
}

@ObjectType('LedgerEntry', { description: 'One balance movement; the ledger is append-only.' })
export class LedgerEntryType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  accountId!: string;

  @Field(() => Int, { description: 'Signed change of the balance (0 for reservations and releases).' })
  amount!: number;

  @Field(() => Int)
  balanceAfter!: number;

  @Field(() => LedgerKind)
  kind!: LedgerKind;

  @Field(() => String)
  reason!: string;

  @Field(() => LedgerSourceType)
  source!: LedgerSourceType;

  actor!: ActorObjectType;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType('LedgerEntryConnection')
export class LedgerEntryConnection extends ConnectionOf(LedgerEntryType, 'LedgerEntry') {}
