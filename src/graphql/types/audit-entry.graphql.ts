import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionOf } from './connection.graphql.js';
import { ActorObjectType } from './ledger-entry.graphql.js';

@ObjectType('AuditEntry', { description: 'One audited support, admin or system action on an account.' })
export class AuditEntryType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'e.g. ledger.adjust, account.freeze, account.unfreeze.' })
  action!: string;

  @Field(() => ActorObjectType)
  actor!: ActorObjectType;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => Int, { nullable: true, description: 'Signed credits moved, for balance changes.' })
  amount!: number | null;

  @Field(() => Int, { nullable: true })
  balanceBefore!: number | null;

  @Field(() => Int, { nullable: true })
  balanceAfter!: number | null;

  @Field(() => ID, { nullable: true })
  ledgerEntryId!: string | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType('AuditEntryConnection')
export class AuditEntryConnection extends ConnectionOf(AuditEntryType, 'AuditEntry') {}
