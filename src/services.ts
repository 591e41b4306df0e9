import type { Config } from './config.js';
import { AccountService } from './domain/accounts/account.service.js';
import { LedgerService } from './domain/ledger/ledger.service.js';
import type { Clock, Logger } from './domain/ports/runtime.port.js';
import type { Store } from './domain/ports/store.port.js';

/** Every domain service of a process, built once by the composition root. */
export interface Services {
  accounts: AccountService;
  ledger: LedgerService;
}

export interface ServiceDeps {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
}

export function buildServices(deps: ServiceDeps): Services {
  const { store, clock } = deps;
  return {
    accounts: new AccountService({ store, clock }),
    ledger: new LedgerService({ store, clock }),
  };
}
