/**
 * The port to the language model (the adapter lives in src/ai). The model only reads text and
 * writes text: it turns a pasted operating statement into a *candidate* input, and may summarise
 * figures our calculator already computed. It never computes a figure we report.
 *
 * Implementations throw DomainError('UPSTREAM_FAILED', …) with a message a user can act on when the
 * model cannot be reached, times out, or answers something that is not the requested shape.
 */
export interface StatementExtractor {
  /**
   * Reads a pasted operating statement (≤ 20,000 characters) and returns a candidate NOI input in
   * the API's dollar shape (`NoiInputDraft`). The result is untrusted: callers validate it with
   * `parseNoiInput` before anything uses it.
   */
  extract(statementText: string): Promise<unknown>;

  /** A short plain-language summary of computed figures (dollars and percentages, see `NarrativeFacts`). */
  narrate(facts: NarrativeFacts): Promise<string>;
}

/** What the narrative may talk about: the property and our figures, already in dollars. */
export interface NarrativeFacts {
  propertyName: string;
  period: string;
  figures: Record<string, number | null>;
  valuations: Array<{ capRatePercent: number; value: number | null }>;
  excludedLines: Array<{ label: string; amount: number; reason: string }>;
  warnings: string[];
}
