import { isRole, rankOf, ROLE_RANK } from './access';

describe('roles', () => {
  it.each(['reader', 'moderator', 'admin'])('%s is a role with its rank', (role) => {
    expect(isRole(role)).toBe(true);
    expect(rankOf(role)).toBe(ROLE_RANK[role as keyof typeof ROLE_RANK]);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'guest', 'system', 'Admin', '', 1, null, undefined, ['admin']])(
    '%j is no role and ranks below every role',
    (kind) => {
      expect(isRole(kind)).toBe(false);
      expect(rankOf(kind)).toBe(0);
    },
  );
});
