import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

@ObjectType('BackupCollection', { description: 'One collection inside a backup.' })
export class BackupCollectionType {
  @Field(() => String)
  name!: string;

  @Field(() => Int, { description: 'Documents in the collection file.' })
  count!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Size of the collection file in bytes (as stored, gzipped or not).',
  })
  bytes?: number;
}

@ObjectType('BackupVerificationStatus')
export class BackupVerificationStatusType {
  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field(() => Boolean)
  ok!: boolean;
}

@ObjectType('Backup', { description: 'A complete backup in BACKUP_DIR (unfinished ones are never listed).' })
export class BackupType {
  @Field(() => String, {
    description: 'Its UTC start time, e.g. 2024-05-01T03-00-00-000Z; pass to verifyBackup/restoreBackup.',
  })
  name!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  completedAt!: Date;

  @Field(() => String)
  database!: string;

  @Field(() => String, { description: 'memory or mongo.' })
  engine!: string;

  @Field(() => String)
  toolVersion!: string;

  @Field(() => Boolean)
  gzip!: boolean;

  @Field(() => [BackupCollectionType])
  collections!: BackupCollectionType[];

  @Field(() => Int)
  documents!: number;

  @Field(() => Float, { description: 'Bytes of every collection file together.' })
  bytes!: number;

  @Field(() => BackupVerificationStatusType, { nullable: true, description: 'The last verifyBackup of it, if any.' })
  lastVerification!: BackupVerificationStatusType | null;
}

@ObjectType('BackupProblem', { description: 'Something wrong inside a backup, with the file and line it is in.' })
export class BackupProblemType {
  @Field(() => String)
  file!: string;

  @Field(() => Int, { nullable: true })
  line?: number;

  @Field(() => String)
  problem!: string;
}

@ObjectType('BackupVerification')
export class BackupVerificationType {
  @Field(() => String)
  name!: string;

  @Field(() => Boolean, { description: 'Checksums, every line, counts and the ledger invariants all passed.' })
  ok!: boolean;

  @Field(() => GraphQLISODateTime)
  checkedAt!: Date;

  @Field(() => [BackupCollectionType])
  collections!: BackupCollectionType[];

  @Field(() => [BackupProblemType])
  problems!: BackupProblemType[];
}

@ObjectType('BackupRestore', { description: 'What restoreBackup replaced.' })
export class BackupRestoreType {
  @Field(() => String)
  name!: string;

  @Field(() => GraphQLISODateTime)
  restoredAt!: Date;

  @Field(() => [BackupCollectionType])
  collections!: BackupCollectionType[];

  @Field(() => Int)
  documents!: number;
}

export enum JobRunOutcome {
  RUNNING = 'running',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
  SKIPPED = 'skipped',
}
registerEnumType(JobRunOutcome, {
  name: 'JobRunOutcome',
  valuesConfig: {
    SKIPPED: { description: 'Another instance held the lease, the slot had run, or a run was still going.' },
  },
});

@ObjectType('JobRun', { description: 'One run of a scheduled job (backup, verify-ledger, reconcile-stripe).' })
export class JobRunType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  job!: string;

  @Field(() => String, { description: 'The instance that ran (or skipped) it.' })
  holder!: string;

  @Field(() => GraphQLISODateTime)
  startedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Int, { nullable: true })
  durationMs!: number | null;

  @Field(() => JobRunOutcome)
  outcome!: JobRunOutcome;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => String, { nullable: true, description: 'What the run did (or why it was skipped), as JSON.' })
  summary!: string | null;
}
