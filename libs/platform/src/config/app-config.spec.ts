import { ConfigError, DEV_JWT_SECRET, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, JWT_SECRET: DEV_JWT_SECRET, REDIS_URL: 'redis://127.0.0.1:6379', RUN_WORKER: false });
    expect(config.trustProxy).toBe(false);
  });

  it('reads and converts given values', () => {
    const config = loadConfig({ PORT: '8080', TRUST_PROXY: '2', RUN_WORKER: 'true', MONGO_URL: 'mongodb://db:27017/x' });
    expect(config).toMatchObject({ PORT: 8080, RUN_WORKER: true, MONGO_URL: 'mongodb://db:27017/x' });
    expect(config.trustProxy).toBe(2);
  });

  it('refuses the development secrets in production, naming them', () => {
    const real = { NODE_ENV: 'production', JWT_SECRET: 'a-real-secret-of-length', HASH_KEY: 'a-real-hash-key-of-length', DATA_KEY_SECRET: 'a-real-data-key-secret-of-32-chars!' };
    expect(() => loadConfig({ ...real, JWT_SECRET: undefined })).toThrow(/JWT_SECRET must be set in production/);
    expect(() => loadConfig({ ...real, HASH_KEY: undefined })).toThrow(/HASH_KEY must be set in production/);
    expect(() => loadConfig({ ...real, DATA_KEY_SECRET: undefined })).toThrow(/DATA_KEY_SECRET must be set in production/);
    expect(loadConfig(real).JWT_SECRET).toBe('a-real-secret-of-length');
    expect(loadConfig(real).PERSONAL_DATA_ENCRYPTION).toBe(true);
  });

  it('keeps the development sign-in off unless DEV_SIGN_IN=true, and refuses it in production or with a real key', () => {
    expect(loadConfig({}).DEV_SIGN_IN).toBe(false);
    expect(loadConfig({ DEV_SIGN_IN: 'true' }).DEV_SIGN_IN).toBe(true);
    expect(() => loadConfig({ DEV_SIGN_IN: 'maybe' })).toThrow(/DEV_SIGN_IN must be true or false/);
    const real = { NODE_ENV: 'production', JWT_SECRET: 'a-real-secret-of-length', HASH_KEY: 'a-real-hash-key-of-length', DATA_KEY_SECRET: 'a-real-data-key-secret-of-32-chars!' };
    expect(loadConfig(real).DEV_SIGN_IN).toBe(false);
    expect(() => loadConfig({ ...real, DEV_SIGN_IN: 'true' })).toThrow(/DEV_SIGN_IN=true .* never in production/);
    // Nor with a real signing key, production or not: other services trust its tokens.
    expect(() => loadConfig({ DEV_SIGN_IN: 'true', JWT_SECRET: 'a-real-secret-of-length' })).toThrow(/DEV_SIGN_IN=true needs the development JWT_SECRET/);
  });

  it('refuses turning personal-data encryption off in production, and allows it to measure elsewhere', () => {
    const real = { NODE_ENV: 'production', JWT_SECRET: 'a-real-secret-of-length', HASH_KEY: 'a-real-hash-key-of-length', DATA_KEY_SECRET: 'a-real-data-key-secret-of-32-chars!' };
    expect(() => loadConfig({ ...real, PERSONAL_DATA_ENCRYPTION: 'false' })).toThrow(/PERSONAL_DATA_ENCRYPTION=false is for measuring only/);
    expect(loadConfig({ PERSONAL_DATA_ENCRYPTION: 'false' }).PERSONAL_DATA_ENCRYPTION).toBe(false);
  });

  it('keeps network data 48 hours unless told otherwise, from 1 hour to 30 days', () => {
    expect(loadConfig({}).NETWORK_DATA_RETENTION_HOURS).toBe(48);
    expect(loadConfig({ NETWORK_DATA_RETENTION_HOURS: '1' }).NETWORK_DATA_RETENTION_HOURS).toBe(1);
    expect(loadConfig({ NETWORK_DATA_RETENTION_HOURS: '720' }).NETWORK_DATA_RETENTION_HOURS).toBe(720);
  });

  it('limits submissions to 10 a minute per commenter and 30 per network unless told otherwise', () => {
    expect(loadConfig({}).rateLimit('submit')).toEqual({ commenter: 10, network: 30, windowMs: 60_000 });
    expect(loadConfig({}).rateLimit('flag')).toEqual({ commenter: 30, network: 60, windowMs: 60_000 });
    const given = loadConfig({ RATE_LIMIT_WINDOW_SECONDS: '10', RATE_LIMIT_REACT_PER_COMMENTER: '5', RATE_LIMIT_REACT_PER_NETWORK: '7' });
    expect(given.rateLimit('react')).toEqual({ commenter: 5, network: 7, windowMs: 10_000 });
  });

  it('leaves Akismet off unless a key is set, and then needs the site', () => {
    expect(loadConfig({}).akismet).toBeNull();
    expect(loadConfig({ AKISMET_SITE: 'https://news.example.com/' }).akismet).toBeNull();
    expect(() => loadConfig({ AKISMET_KEY: 'abc123def456' })).toThrow(/AKISMET_SITE must be set with AKISMET_KEY/);
    expect(loadConfig({ AKISMET_KEY: 'abc123def456', AKISMET_SITE: 'https://news.example.com/' }).akismet).toEqual({
      key: 'abc123def456',
      site: 'https://news.example.com/',
      url: 'https://rest.akismet.com',
      ratePerSecond: 10,
    });
    expect(loadConfig({ AKISMET_KEY: 'k1', AKISMET_SITE: 'http://localhost/', AKISMET_URL: 'http://127.0.0.1:9999', AKISMET_RATE_PER_SECOND: '2' }).akismet).toMatchObject({ url: 'http://127.0.0.1:9999', ratePerSecond: 2 });
  });

  it('serves metrics to loopback only, logs at info and keeps the worker metrics port off unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ METRICS_TOKEN: '', WORKER_METRICS_PORT: 0, LOG_LEVEL: 'info' });
    expect(loadConfig({ METRICS_TOKEN: 'abcdefgh-ijkl_mnop.1234', WORKER_METRICS_PORT: '9464', LOG_LEVEL: 'warn' })).toMatchObject({ METRICS_TOKEN: 'abcdefgh-ijkl_mnop.1234', WORKER_METRICS_PORT: 9464, LOG_LEVEL: 'warn' });
  });

  it.each([
    ['METRICS_TOKEN', 'short'],
    ['METRICS_TOKEN', 'has spaces in the metrics token'],
    ['WORKER_METRICS_PORT', '70000'],
    ['WORKER_METRICS_PORT', 'metrics'],
    ['LOG_LEVEL', 'verbose'],
    ['DATA_KEY_SECRET', 'short'],
    ['AKISMET_KEY', 'has spaces'],
    ['AKISMET_SITE', 'news.example.com'],
    ['AKISMET_URL', ''],
    ['AKISMET_URL', 'ftp://akismet.example'],
    ['AKISMET_RATE_PER_SECOND', '0'],
    ['AKISMET_RATE_PER_SECOND', 'fast'],
    ['PERSONAL_DATA_ENCRYPTION', 'perhaps'],
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['MONGO_URL', 'http://localhost'],
    ['REDIS_URL', 'localhost:6379'],
    ['JWT_SECRET', 'short'],
    ['RUN_WORKER', 'maybe'],
    ['TRUST_PROXY', 'yes please'],
    ['NETWORK_DATA_RETENTION_HOURS', '0'],
    ['NETWORK_DATA_RETENTION_HOURS', '721'],
    ['NETWORK_DATA_RETENTION_HOURS', '-5'],
    ['NETWORK_DATA_RETENTION_HOURS', '1.5'],
    ['NETWORK_DATA_RETENTION_HOURS', '48h'],
    ['RATE_LIMIT_WINDOW_SECONDS', '0'],
    ['RATE_LIMIT_WINDOW_SECONDS', '1m'],
    ['RATE_LIMIT_SUBMIT_PER_COMMENTER', '0'],
    ['RATE_LIMIT_SUBMIT_PER_NETWORK', 'lots'],
    ['RATE_LIMIT_FLAG_PER_COMMENTER', '-1'],
    ['RATE_LIMIT_REACT_PER_NETWORK', '2.5'],
  ])('stops on a bad %s, naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});

describe('EMBED_ORIGINS', () => {
  it('is empty (our own origin only) unless set, a list of origins when set', () => {
    expect(loadConfig({}).embedOrigins).toEqual([]);
    expect(loadConfig({ EMBED_ORIGINS: 'https://News.example.com, http://127.0.0.1:8080,http://[::1]:3000' }).embedOrigins).toEqual([
      'https://news.example.com',
      'http://127.0.0.1:8080',
      'http://[::1]:3000',
    ]);
  });

  it.each(['*', 'https://*.example.com', 'https://example.com/', 'https://example.com/path', 'example.com', 'ftp://example.com', 'https://a.com,,https://b.com', 'null'])(
    'refuses %p, naming the setting',
    (value) => {
      expect(() => loadConfig({ EMBED_ORIGINS: value })).toThrow(/EMBED_ORIGINS must be comma-separated origins/);
    },
  );
});

describe('MODERATION_POLICY', () => {
  it('is the built-in policy when unset, a checked document when set, and refused when wrong', () => {
    expect(loadConfig({}).moderationPolicy.version).toBe(0);
    const relaxed = { ...loadConfig({}).moderationPolicy, version: 7, velocity: { perCommenterPerMinute: 1000, perNetworkPerMinute: 1000 } };
    expect(loadConfig({ MODERATION_POLICY: JSON.stringify(relaxed) }).moderationPolicy).toMatchObject({ version: 7, velocity: { perCommenterPerMinute: 1000 } });
    expect(() => loadConfig({ MODERATION_POLICY: '{"version":"x"}' })).toThrow(/MODERATION_POLICY is not a valid policy/);
    expect(() => loadConfig({ MODERATION_POLICY: 'not json' })).toThrow(/MODERATION_POLICY/);
  });
});

describe('settings without a default', () => {
  it('are read when set, and unset otherwise: a JWT issuer or audience set is never ignored', () => {
    const config = loadConfig({ JWT_ISSUER: 'https://news.example', JWT_AUDIENCE: 'replies', WORKER_HEARTBEAT_FILE: '/tmp/beat' });
    expect([config.JWT_ISSUER, config.JWT_AUDIENCE, config.WORKER_HEARTBEAT_FILE]).toEqual(['https://news.example', 'replies', '/tmp/beat']);
    expect(loadConfig({}).JWT_ISSUER).toBeUndefined();
  });
});
