import { isStrongKey } from './idempotency-key';

describe('strong Idempotency-Keys', () => {
  it.each([
    '7f1c2a4e-9b3d-4c1e-8a2f-0d9e8c7b6a51',
    '7F1C2A4E-9B3D-4C1E-8A2F-0D9E8C7B6A51',
    '0190b2c4-5d6e-7f80-9a1b-2c3d4e5f6a7b',
    'qL3k8Zp_0xYv-2TnWm9aBc',
    '0123456789abcdef0123456789abcdef',
  ])('%s is strong', (key) => expect(isStrongKey(key)).toBe(true));

  it.each(['7f1c2a', 'retry-1', 'qL3k8Zp_0xYv-2TnWm9aB', '7f1c2a4e9b3d4c1e', '7f1c2a4e-9b3d-4c1e', '{7f1c2a4e-9b3d-4c1e-8a2f-0d9e8c7b6a51}', 'aaaaaaaaaaaaaaaaaaaa+/'])(
    '%s is weak',
    (key) => expect(isStrongKey(key)).toBe(false),
  );
});
