/* Mints a development token: npm run token -- --role admin --sub alice --name Alice [--expires 8h] */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/app-config';
import { isRole } from './access';
import { mintToken } from './mint-token';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'reader' },
    sub: { type: 'string', default: 'dev-reader' },
    name: { type: 'string' },
    expires: { type: 'string', default: '8h' },
  },
});
if (!isRole(values.role)) {
  console.error('--role must be reader, moderator or admin');
  process.exit(2);
}
const token = mintToken(loadConfig(), { sub: values.sub!, name: values.name ?? values.sub!, role: values.role }, values.expires);
process.stdout.write(`${token}\n`);
