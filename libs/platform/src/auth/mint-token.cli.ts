/* Mints a development token: npm run token -- --role admin --sub alice --name Alice [--expires 8h] */
import { JwtService } from '@nestjs/jwt';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/app-config';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'reader' },
    sub: { type: 'string', default: 'dev-reader' },
    name: { type: 'string' },
    expires: { type: 'string', default: '8h' },
  },
});
if (!['reader', 'moderator', 'admin'].includes(values.role!)) {
  console.error('--role must be reader, moderator or admin');
  process.exit(2);
}
const config = loadConfig();
const token = new JwtService().sign(
  { sub: values.sub, name: values.name ?? values.sub, role: values.role },
  {
    secret: config.JWT_SECRET,
    algorithm: 'HS256',
    expiresIn: values.expires as never,
    ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
  },
);
process.stdout.write(`${token}\n`);
