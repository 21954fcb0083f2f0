// A small route table built to exercise precedence, backtracking and
// catch-alls, and its outcomes worked out by hand from README.md (used by
// check.test.ts for the checker and by filter.test.ts for every runtime).

import type { Route } from './routes.ts';

export const SMALL: Route[] = [
  { name: 'user', template: '/users/:id', upstream: '/u/:id' },
  { name: 'me', template: '/users/me', upstream: '/me' },
  { name: 'user-order', template: '/users/:id/orders/:order', upstream: '/orders/:order/by/:id' },
  { name: 'me-settings', template: '/users/me/settings', upstream: '/settings' },
  { name: 'files', template: '/files/*path', upstream: '/store/*path' },
  { name: 'tenant', template: '/:tenant/dashboard', upstream: '/dash/:tenant' },
  { name: 'home', template: '/', upstream: '/home' },
];

/** [path, route name or "" for no route, rewritten path, [param, value]...] worked out by hand. */
export const CASES: Array<[string, string, string, Array<[string, string]>]> = [
  ['/users/me', 'me', '/me', []],
  ['/users/42', 'user', '/u/42', [['id', '42']]],
  ['/users/me/settings?tab=2', 'me-settings', '/settings?tab=2', []],
  // "me" is a static child, but it has no "orders": back to the parameter.
  ['/users/me/orders/7?x=1', 'user-order', '/orders/7/by/me?x=1', [['id', 'me'], ['order', '7']]],
  // static "users" then parameter beats parameter "users" then static "dashboard".
  ['/users/dashboard', 'user', '/u/dashboard', [['id', 'dashboard']]],
  ['/acme/dashboard', 'tenant', '/dash/acme', [['tenant', 'acme']]],
  ['/files/a//b/c.txt', 'files', '/store/a//b/c.txt', [['path', 'a//b/c.txt']]],
  ['/files/', 'files', '/store/', [['path', '']]],
  ['/', 'home', '/home', []],
  ['/?q=1', 'home', '/home?q=1', []],
  ['/files', '', '', []], // a catch-all takes one segment or more
  ['/users/', '', '', []], // a parameter never takes an empty segment
  ['/users', '', '', []],
  ['/Users/42', '', '', []], // case-sensitive
  ['/users/42/orders', '', '', []],
  ['//dashboard', '', '', []],
  ['/users/me/settings/', '', '', []],
];
