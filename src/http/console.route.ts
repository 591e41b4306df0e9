import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Response } from 'express';

/** `console/dist`, built by `npm run build`; the same two levels up from src/http and dist/http. */
export const CONSOLE_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'console', 'dist');

// The console only talks to this origin; inline styles are set by the chart library.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

function secure(res: Response): void {
  res.setHeader('content-security-policy', CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
}

/**
 * The support console at /console: static files only. It reads and writes through /graphql with
 * the signed-in user's token, like any other client, so it adds no route of its own to the API.
 */
export function mountConsole(dir: string = CONSOLE_DIST): (app: Express) => void {
  return (app) => {
    const index = join(dir, 'index.html');
    app.use(
      '/console/assets',
      express.static(join(dir, 'assets'), {
        immutable: true,
        maxAge: '1y',
        fallthrough: false,
        setHeaders: (res) => secure(res),
      }),
    );
    // Express matches /console and /console/ alike; relative asset URLs need the slash.
    app.get('/console', (req, res) => {
      if (!req.path.endsWith('/')) {
        res.redirect(301, '/console/');
        return;
      }
      secure(res);
      if (!existsSync(index)) {
        res.status(503).type('text/plain').send('The support console is not built: run npm run build.\n');
        return;
      }
      res.setHeader('cache-control', 'no-cache');
      res.sendFile(index);
    });
  };
}
