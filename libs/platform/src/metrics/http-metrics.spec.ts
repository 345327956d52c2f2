import type { IncomingMessage } from 'node:http';
import { routeTemplate } from './http-metrics';

const routed = (route: unknown, baseUrl = '') => ({ route, baseUrl }) as unknown as IncomingMessage;

describe('the route label', () => {
  it('is the template, with the mount point of a sub-app', () => {
    expect(routeTemplate(routed({ path: '/replies/:id' }))).toBe('/replies/:id');
    expect(routeTemplate(routed({ path: '/api/queues' }, '/admin/queues'))).toBe('/admin/queues/api/queues');
  });

  it('is "unmatched" for no route and for the catch-all 404 route', () => {
    expect(routeTemplate(routed(undefined))).toBe('unmatched');
    expect(routeTemplate(routed({ path: '{/*splat}' }))).toBe('unmatched');
    expect(routeTemplate(routed({ path: /regex/ }))).toBe('unmatched');
  });
});
