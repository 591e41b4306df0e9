import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the OpenAI API, driven by the real `openai` SDK through `baseURL`. It speaks
 * `POST /v1/chat/completions` (what the adapter uses) and answers from a per-test script:
 * - `answer(value)`: a 200 chat completion whose message content is JSON.stringify(value)
 * - `content(text)`: a 200 chat completion with that exact content (e.g. malformed JSON)
 * - `status(code)`: an OpenAI-style error body with that HTTP status
 * - `hang()`: never answers (the SDK's timeout fires); `close()` still ends cleanly
 * Unscripted requests get a 500 saying so, so a test never passes by accident.
 */
export type FakeReply =
  | { kind: 'answer'; value: unknown }
  | { kind: 'content'; content: string }
  | { kind: 'status'; status: number }
  | { kind: 'hang' };

export interface FakeRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export interface OpenAIFake {
  /** Pass to `new OpenAI({ baseURL })` (or OPENAI_BASE_URL). */
  baseURL: string;
  /** Every request received, in order. */
  requests: FakeRequest[];
  /** Queues replies for the next requests, in order. */
  script(...replies: FakeReply[]): void;
  /** Resolves once `n` requests have been received. */
  received(n: number): Promise<void>;
  close(): Promise<void>;
}

export const reply = {
  answer: (value: unknown): FakeReply => ({ kind: 'answer', value }),
  content: (content: string): FakeReply => ({ kind: 'content', content }),
  status: (status: number): FakeReply => ({ kind: 'status', status }),
  hang: (): FakeReply => ({ kind: 'hang' }),
};

export async function startOpenAIFake(): Promise<OpenAIFake> {
  const queue: FakeReply[] = [];
  const requests: FakeRequest[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let completions = 0;

  const server = createServer((req, res) => {
    void readJson(req).then((body) => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body });
      for (const w of waiters.filter((x) => requests.length >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
        return sendError(res, 404, `no route ${req.method} ${req.url} in the OpenAI fake`);
      const next = queue.shift() ?? { kind: 'status', status: 500 };
      completions += 1;
      const model = typeof body.model === 'string' ? body.model : 'fake-model';
      switch (next.kind) {
        case 'answer':
          return sendCompletion(res, completions, model, JSON.stringify(next.value));
        case 'content':
          return sendCompletion(res, completions, model, next.content);
        case 'status':
          return sendError(res, next.status, `scripted HTTP ${next.status} from the OpenAI fake`);
        case 'hang':
          return; // the socket stays open until the client gives up or close() destroys it
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...replies) => queue.push(...replies),
    received: (n) =>
      requests.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function sendCompletion(res: ServerResponse, n: number, model: string, content: string): void {
  send(res, 200, {
    id: `chatcmpl-fake-${n}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null },
    ],
    usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
  });
}

function sendError(res: ServerResponse, status: number, message: string): void {
  // retry-after-ms keeps SDK retries (when a test enables them) fast.
  res.setHeader('retry-after-ms', '5');
  send(res, status, { error: { message, type: 'server_error', param: null, code: null } });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_fake_${Date.now()}` });
  res.end(JSON.stringify(body));
}
