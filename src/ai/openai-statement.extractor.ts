import OpenAI from 'openai';
import { ContentFilterFinishReasonError, LengthFinishReasonError } from 'openai/core/error';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { DomainError } from '../domain/errors.js';
import type { NarrativeFacts, StatementExtractor } from '../domain/noi/statement-extractor.port.js';
import {
  EXTRACTION_INSTRUCTIONS,
  NARRATIVE_INSTRUCTIONS,
  narrativeSchema,
  statementExtractionSchema,
} from './statement-extraction.schema.js';

export interface OpenAIStatementExtractorOptions {
  client: OpenAI;
  model: string;
}

/** Builds the SDK client the way production runs it: few retries, one timeout per attempt. */
export function createOpenAIClient(options: {
  apiKey: string;
  baseURL?: string;
  timeoutMs: number;
  maxRetries?: number;
}): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries ?? 1,
  });
}

/**
 * StatementExtractor over OpenAI chat completions with structured outputs (a strict JSON schema
 * generated from a zod schema). Every failure — HTTP error, timeout, malformed JSON, an answer that
 * does not fit the schema, a refusal — becomes one UPSTREAM_FAILED error with a message a user can
 * act on; the caller releases the reserved credits.
 */
export class OpenAIStatementExtractor implements StatementExtractor {
  private readonly client: OpenAI;
  private readonly model: string;

  constructor(options: OpenAIStatementExtractorOptions) {
    this.client = options.client;
    this.model = options.model;
  }

  async extract(statementText: string): Promise<unknown> {
    const extraction = await this.complete('statement_extraction', statementExtractionSchema, [
      { role: 'system', content: EXTRACTION_INSTRUCTIONS },
      { role: 'user', content: statementText },
    ]);
    return {
      ...extraction,
      // Strict mode makes every field required; the domain input treats null and absent alike,
      // except that an empty property name means "not stated".
      property: { ...extraction.property, name: extraction.property.name.trim() || null },
    };
  }

  async narrate(facts: NarrativeFacts): Promise<string> {
    const { narrative } = await this.complete('noi_narrative', narrativeSchema, [
      { role: 'system', content: NARRATIVE_INSTRUCTIONS },
      { role: 'user', content: JSON.stringify(facts) },
    ]);
    return narrative;
  }

  private async complete<S extends z.ZodType>(
    name: string,
    schema: S,
    messages: OpenAI.Chat.ChatCompletionMessageParam[],
  ): Promise<z.output<S>> {
    let completion;
    try {
      completion = await this.client.chat.completions.parse({
        model: this.model,
        messages,
        response_format: zodResponseFormat(schema, name),
      });
    } catch (error) {
      throw this.upstreamError(error);
    }
    const message = completion.choices[0]?.message;
    if (message?.refusal) throw failed(`the model declined to read the statement: ${message.refusal}`);
    if (!message?.parsed) throw failed('the model returned an empty answer');
    return message.parsed as z.output<S>;
  }

  private upstreamError(error: unknown): DomainError {
    if (error instanceof OpenAI.APIConnectionTimeoutError)
      return failed(`the model did not answer within ${this.client.timeout} ms`);
    if (error instanceof OpenAI.APIConnectionError) return failed('the model could not be reached');
    if (error instanceof OpenAI.APIError)
      return failed(`the model service answered HTTP ${error.status ?? 'error'}`, { status: error.status });
    if (error instanceof LengthFinishReasonError) return failed('the model answer was cut off before it was complete');
    if (error instanceof ContentFilterFinishReasonError) return failed("the model's content filter stopped the answer");
    if (error instanceof SyntaxError) return failed('the model answered malformed JSON');
    if (error instanceof z.ZodError) {
      const issue = error.issues[0];
      return failed(
        `the model answer did not match the expected structure (${issue?.path.join('.') || 'answer'}: ${issue?.message ?? 'invalid'})`,
      );
    }
    return failed('the model request failed', { cause: error instanceof Error ? error.message : String(error) });
  }
}

const failed = (message: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError('UPSTREAM_FAILED', message, { upstream: 'openai', ...details });
