import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { AdminCliModule } from './admin-cli.module';

/** `npm run admin -- <command>`: admin work from a shell, against the store MONGO_URL names. */
async function main(): Promise<void> {
  await CommandFactory.run(AdminCliModule, { logger: ['error', 'warn'], errorHandler: (error) => {
    console.error(error.message);
    process.exit(2);
  } });
}

void main();
