import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('Money')
export class MoneyType {
  @Field(() => Int, { description: 'In the minor unit of the currency (cents for USD).' })
  amount!: number;

  @Field(() => String, { description: 'ISO 4217 code, upper case (USD).' })
  currency!: string;
}

@ObjectType('CreditPackage', { description: 'A pack of credits that can be bought.' })
export class CreditPackageType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Int)
  credits!: number;

  @Field(() => MoneyType)
  price!: MoneyType;
}
