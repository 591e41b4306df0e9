import type { AnalysisDoc } from '../ports/documents.js';
import type { AnalysisPlan } from './analysis.request.js';
import type { NoiInput, NoiResult } from './noi.types.js';

export type AnalysisStatus = AnalysisDoc['status'];

/** One analysis as callers see it. Money inside `input` and `result` is integer cents. */
export interface Analysis {
  id: string;
  accountId: string;
  status: AnalysisStatus;
  source: AnalysisPlan['source'];
  /** The validated input the figures were computed from (for a statement: what the model read). */
  input: NoiInput | null;
  result: NoiResult | null;
  narrative: string | null;
  /** Why it failed (status `failed`); nothing is charged for a failed analysis. */
  error: string | null;
  creditsCharged: number;
  createdAt: Date;
  updatedAt: Date;
}

/** How an analysis is stored: `input` holds the request, `result` what was computed from it. */
export interface StoredResult {
  input: NoiInput;
  figures: NoiResult;
}

export function toAnalysis(doc: AnalysisDoc): Analysis {
  const plan = doc.input as unknown as AnalysisPlan;
  const stored = doc.result as unknown as StoredResult | undefined;
  return {
    id: doc._id,
    accountId: doc.accountId,
    status: doc.status,
    source: plan.source,
    input: stored?.input ?? (plan.source === 'INPUT' ? plan.input : null),
    result: stored?.figures ?? null,
    narrative: doc.narrative ?? null,
    error: doc.error ?? null,
    creditsCharged: doc.creditsCharged,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
