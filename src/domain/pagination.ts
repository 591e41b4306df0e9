import { badInput } from './errors.js';

/** Relay-style page of plain items. */
export interface Page<T> {
  items: T[];
  cursors: string[];
  hasNextPage: boolean;
  endCursor: string | null;
  startCursor: string | null;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function pageSize(first: number | null | undefined): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1) throw badInput('first: must be a positive whole number');
  return Math.min(first, MAX_PAGE_SIZE);
}

export function mapPage<A, B>(page: Page<A>, fn: (a: A) => B): Page<B> {
  return { ...page, items: page.items.map(fn) };
}
