// The deployment's 200 routes, generated deterministically: an API gateway in
// front of a few dozen services (versioned REST resources, nested resources,
// static endpoints that shadow parameters, and catch-alls for files and legacy
// apps). Each route is "<name> <template> <upstream>" (README "Configuration").

import { Random } from '../lib/random.ts';

export interface Route {
  name: string;
  template: string;
  upstream: string;
}

/** Resource, singular (its id parameter is <singular>_id in nested routes), service. */
const RESOURCES: ReadonlyArray<readonly [string, string, string]> = [
  ['users', 'user', 'accounts'],
  ['orders', 'order', 'orders'],
  ['products', 'product', 'catalog'],
  ['carts', 'cart', 'checkout'],
  ['payments', 'payment', 'payments'],
  ['invoices', 'invoice', 'billing'],
  ['shipments', 'shipment', 'logistics'],
  ['reviews', 'review', 'catalog'],
  ['categories', 'category', 'catalog'],
  ['stores', 'store', 'stores'],
  ['coupons', 'coupon', 'promotions'],
  ['wishlists', 'wishlist', 'accounts'],
  ['addresses', 'address', 'accounts'],
  ['subscriptions', 'subscription', 'billing'],
  ['refunds', 'refund', 'payments'],
  ['returns', 'return', 'logistics'],
  ['notifications', 'notification', 'messaging'],
  ['tickets', 'ticket', 'support'],
  ['warehouses', 'warehouse', 'logistics'],
  ['suppliers', 'supplier', 'procurement'],
];

const SUBS = ['items', 'events', 'notes', 'attachments', 'lines', 'history', 'members', 'tags'];

/** Routes every deployment has; the rest are generated. */
const FIXED: Route[] = [
  { name: 'root', template: '/', upstream: '/index.html' },
  { name: 'health', template: '/healthz', upstream: '/healthz' },
  { name: 'ready', template: '/readyz', upstream: '/readyz' },
  { name: 'metrics', template: '/metrics', upstream: '/internal/metrics' },
  { name: 'static', template: '/static/*file', upstream: '/cdn/static/*file' },
  { name: 'assets', template: '/assets/:version/*path', upstream: '/cdn/:version/*path' },
  { name: 'docs', template: '/docs/*page', upstream: '/docs-site/*page' },
  { name: 'legacy', template: '/legacy/*rest', upstream: '/old-app/*rest' },
  { name: 'well-known', template: '/.well-known/*doc', upstream: '/identity/.well-known/*doc' },
  { name: 'files', template: '/api/v1/files/:bucket/*key', upstream: '/storage/:bucket/*key' },
  { name: 'me', template: '/api/v1/users/me', upstream: '/accounts/users/current' },
  { name: 'me-settings', template: '/api/v1/users/me/settings', upstream: '/accounts/users/current/settings' },
  { name: 'order-search', template: '/api/v1/orders/search', upstream: '/orders/search' },
  { name: 'featured', template: '/api/v1/products/featured', upstream: '/catalog/products/featured' },
  { name: 'user-order', template: '/api/v1/users/:user_id/orders/:order_id', upstream: '/orders/by-user/:user_id/:order_id' },
  { name: 'product-reviews', template: '/api/v1/products/:product_id/reviews', upstream: '/catalog/products/:product_id/reviews' },
  { name: 'v1-fallback', template: '/api/v1/*rest', upstream: '/api-v1-fallback/*rest' },
];

export const ROUTE_COUNT = 200;

/** The 200 routes in config order. */
export function routes(): Route[] {
  const rng = new Random(0x726f7574);
  const out: Route[] = [...FIXED];
  const shapes = new Set(out.map((r) => shape(r.template)));
  const add = (r: Route) => {
    const s = shape(r.template);
    if (shapes.has(s) || out.length >= ROUTE_COUNT) return;
    shapes.add(s);
    out.push(r);
  };
  // Every resource: list and show in v1.
  for (const [res, , svc] of RESOURCES) {
    add({ name: `v1-${res}-list`, template: `/api/v1/${res}`, upstream: `/${svc}/${res}` });
    add({ name: `v1-${res}-show`, template: `/api/v1/${res}/:id`, upstream: `/${svc}/${res}/:id` });
  }
  // Then nested resources and newer versions, until there are 200.
  while (out.length < ROUTE_COUNT) {
    const [res, one, svc] = rng.pick(RESOURCES);
    const sub = rng.pick(SUBS);
    const version = rng.pick(['v1', 'v1', 'v2', 'v2', 'v3']);
    switch (rng.int(0, 4)) {
      case 0:
        add({ name: `${version}-${res}-list`, template: `/api/${version}/${res}`, upstream: `/${svc}/${version}/${res}` });
        break;
      case 1:
        add({ name: `${version}-${res}-show`, template: `/api/${version}/${res}/:id`, upstream: `/${svc}/${version}/${res}/:id` });
        break;
      case 2:
        add({
          name: `${version}-${res}-${sub}`,
          template: `/api/${version}/${res}/:${one}_id/${sub}`,
          upstream: `/${svc}/${version}/${sub}/:${one}_id`,
        });
        break;
      case 3:
        add({
          name: `${version}-${res}-${sub}-show`,
          template: `/api/${version}/${res}/:${one}_id/${sub}/:item`,
          upstream: `/${svc}/${version}/${res}/:${one}_id/${sub}/:item`,
        });
        break;
      case 4: {
        const action = rng.pick(['cancel', 'approve', 'archive', 'export']);
        add({
          name: `${version}-${res}-${action}`,
          template: `/api/${version}/${res}/:id/${action}`,
          upstream: `/${svc}/${version}/actions/${action}/:id`,
        });
        break;
      }
    }
  }
  return out;
}

/** A template's shape: its segments with parameter names erased (two routes may not share one). */
export function shape(template: string): string {
  return template
    .split('/')
    .map((s) => (s.startsWith(':') ? ':' : s.startsWith('*') ? '*' : s))
    .join('/');
}

/** The deployment's config text. */
export function configText(list: readonly Route[] = routes()): string {
  return JSON.stringify({ routes: list.map((r) => `${r.name} ${r.template} ${r.upstream}`) });
}
