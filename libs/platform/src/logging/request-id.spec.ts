import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdOf } from './request-id';

const exchange = (given?: string) => {
  const headers: Record<string, string> = {};
  const req = { headers: given === undefined ? {} : { 'x-request-id': given } } as unknown as IncomingMessage;
  const res = { headersSent: false, setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value) } as unknown as ServerResponse;
  return { req, res, headers };
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('keeps a short plain token the caller sent, and echoes it', () => {
    const { req, res, headers } = exchange('lb-4f2a.9:77_x');
    expect(requestIdOf(req, res)).toBe('lb-4f2a.9:77_x');
    expect(headers['x-request-id']).toBe('lb-4f2a.9:77_x');
  });

  it('replaces anything else with a UUID', () => {
    for (const given of [undefined, '', 'a b', 'x'.repeat(65), 'a\u0000b', '{"json":1}', 'é']) {
      const { req, res, headers } = exchange(given);
      const id = requestIdOf(req, res);
      expect(id).toMatch(UUID);
      expect(headers['x-request-id']).toBe(id);
    }
  });

  it('is decided once per request', () => {
    const { req, res } = exchange();
    expect(requestIdOf(req, res)).toBe(requestIdOf(req, res));
  });
});
