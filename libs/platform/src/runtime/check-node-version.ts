// Imported first by each entry point, before any module an older Node cannot load.
import { assertNodeVersion } from './node-version';

assertNodeVersion();
