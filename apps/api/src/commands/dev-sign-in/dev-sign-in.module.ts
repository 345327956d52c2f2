import { Module } from '@nestjs/common';
import { DevSignInController } from './dev-sign-in.controller';

/** Registered only with DEV_SIGN_IN=true (AppModule.for): otherwise POST /dev/sign-in is an unknown route. */
@Module({ controllers: [DevSignInController] })
export class DevSignInModule {}
