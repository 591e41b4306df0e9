import type { Config } from './config.js';
import { AccountService } from './domain/accounts/account.service.js';
import { LedgerService } from './domain/ledger/ledger.service.js';
import { AnalysisService } from './domain/noi/analysis.service.js';
import type { StatementExtractor } from './domain/noi/statement-extractor.port.js';
import type { Clock, Logger } from './domain/ports/runtime.port.js';
import type { Store } from './domain/ports/store.port.js';
import { SupportService } from './domain/support/support.service.js';

/** Every domain service of a process, built once by the composition root. */
export interface Services {
  accounts: AccountService;
  ledger: LedgerService;
  analyses: AnalysisService;
  support: SupportService;
}

export interface ServiceDeps {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Reads pasted statements (OpenAI); absent without OPENAI_API_KEY. Built by the composition root. */
  statementExtractor?: StatementExtractor;
}

export function buildServices(deps: ServiceDeps): Services {
  const { store, clock } = deps;
  const accounts = new AccountService({ store, clock });
  const ledger = new LedgerService({ store, clock });
  return {
    accounts,
    ledger,
    analyses: new AnalysisService({
      store,
      clock,
      ledger,
      extractor: deps.statementExtractor,
      costCredits: deps.config.ANALYSIS_COST_CREDITS,
      logger: deps.logger,
    }),
    support: new SupportService({ store, clock, accounts, ledger, confirmAbove: deps.config.SUPPORT_CONFIRM_ABOVE }),
  };
}
