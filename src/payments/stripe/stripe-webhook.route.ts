import express from 'express';
import { readBody, sendJson, type HttpRoute } from '../../http/route.js';
import { isMaintenanceError } from '../../domain/maintenance/maintenance.service.js';
import type { Counter } from 'prom-client';
import type { Logger } from '../../domain/ports/runtime.port.js';
import type { EventStatus, StripeEventsService } from '../../domain/payments/stripe-events.service.js';
import { toPaymentEvent } from './stripe-event.mapper.js';
import type { StripeWebhookVerifier } from './stripe-webhook.verifier.js';

export interface StripeWebhookRouteOptions {
  /** null when STRIPE_WEBHOOK_SECRET is not set: every delivery answers 503. */
  verifier: StripeWebhookVerifier | null;
  events: StripeEventsService;
  logger: Logger;
  /** Deliveries by outcome (processed, duplicate, ignored, failed, rejected, unconfigured, maintenance). */
  outcomes?: Counter<'outcome'>;
}

/** 2xx tells Stripe to stop; 500 makes it retry (with backoff, for up to 3 days). */
const HTTP_STATUS: Record<EventStatus, number> = { processed: 200, duplicate: 200, ignored: 200, failed: 500 };

/**
 * POST /webhooks/stripe: raw bytes (the signature covers them exactly), verify, then one service
 * call. A delivery that fails verification is answered 400 and leaves nothing behind.
 */
export function stripeWebhookRoute(options: StripeWebhookRouteOptions): HttpRoute {
  const { verifier, events, logger, outcomes } = options;
  const raw = express.raw({ type: () => true, limit: '1mb' });
  return {
    methods: ['POST'],
    path: '/webhooks/stripe',
    async handle(req, res, reqId) {
      const body = (await readBody(raw, req, res)) as Buffer;
      if (!verifier) {
        logger.error({ reqId }, 'Stripe webhook received but STRIPE_WEBHOOK_SECRET is not set');
        outcomes?.inc({ outcome: 'unconfigured' });
        sendJson(res, 503, { error: 'webhook endpoint not configured' });
        return;
      }
      const verified = verifier.verify(body, signatureOf(req.headers['stripe-signature']));
      if (!verified.ok) {
        logger.warn({ reqId, reason: verified.reason }, 'Stripe webhook rejected');
        outcomes?.inc({ outcome: 'rejected' });
        sendJson(res, 400, { error: verified.reason });
        return;
      }
      let result: Awaited<ReturnType<StripeEventsService['handle']>>;
      try {
        result = await events.handle(toPaymentEvent(verified.event));
      } catch (error) {
        if (!isMaintenanceError(error)) throw error;
        // Maintenance (a restore): nothing was recorded; 503 makes Stripe deliver the event again later.
        logger.warn({ reqId, eventId: verified.event.id }, 'Stripe webhook refused: maintenance');
        outcomes?.inc({ outcome: 'maintenance' });
        sendJson(res, 503, { received: false, error: error.message }, { 'retry-after': '60' });
        return;
      }
      outcomes?.inc({ outcome: result.status });
      sendJson(res, HTTP_STATUS[result.status], {
        received: result.status !== 'failed',
        eventId: result.eventId,
        status: result.status,
        ...(result.status === 'failed' ? {} : { outcome: result.outcome }),
      });
    },
  };
}

/** Node joins a repeated custom header into one string; only a string is a signature header. */
const signatureOf = (header: string | string[] | undefined): string | undefined =>
  typeof header === 'string' ? header : undefined;
