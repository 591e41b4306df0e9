import type { AuthChecker } from 'type-graphql';
import { DomainError } from '../../domain/errors.js';
import type { GraphqlContext } from '../context.js';
import type { AuthRole, Principal } from './jwt.verifier.js';

/**
 * `@Authorized()` needs any verified caller; `@Authorized('support', 'admin')` needs one of those
 * roles. No caller → UNAUTHENTICATED; a caller without the role → FORBIDDEN (type-graphql's
 * AuthorizationError, mapped in error-map.ts).
 */
/** Support and admin may see every account and who on staff did what. */
export const isStaff = (principal: Principal | null): boolean =>
  principal?.roles.some((r) => r === 'support' || r === 'admin') ?? false;

export const authChecker: AuthChecker<GraphqlContext, AuthRole> = ({ context }, roles) => {
  if (!context.principal)
    throw new DomainError('UNAUTHENTICATED', 'authentication required: send Authorization: Bearer <token>');
  return roles.length === 0 || context.principal.roles.some((r) => roles.includes(r));
};
