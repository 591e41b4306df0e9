import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionOf } from './connection.graphql.js';

export enum AccountStatus {
  ACTIVE = 'active',
  FROZEN = 'frozen',
}
registerEnumType(AccountStatus, {
  name: 'AccountStatus',
  valuesConfig: { FROZEN: { description: 'Spending is blocked until support unfreezes the account.' } },
});

@ObjectType('Account', { description: 'A customer account and its credit balance.' })
export class AccountType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => Int, { description: 'Credits owned, including reserved ones.' })
  balance!: number;

  @Field(() => Int, { description: 'Credits held for analyses that are still running.' })
  reserved!: number;

  @Field(() => Int, { description: 'balance − reserved: what can be spent now.' })
  available!: number;

  @Field(() => AccountStatus)
  status!: AccountStatus;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, {
    name: 'lastActivityAt',
    description: 'When the account last changed (a balance movement, a status change, a link).',
  })
  updatedAt!: Date;
}

export enum AccountOrder {
  EMAIL = 'email',
  BALANCE_DESC = 'balance',
  LAST_ACTIVITY_DESC = 'last_activity',
}
registerEnumType(AccountOrder, {
  name: 'AccountOrder',
  valuesConfig: {
    EMAIL: { description: 'By email, A to Z (the default).' },
    BALANCE_DESC: { description: 'Largest balance first.' },
    LAST_ACTIVITY_DESC: { description: 'Most recently active first.' },
  },
});

@ObjectType('AccountConnection')
export class AccountConnection extends ConnectionOf(AccountType, 'Account') {}
