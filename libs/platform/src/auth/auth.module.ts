import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AccessGuard } from './access.guard';
import { GuestIdentity } from './guest-identity';

const authProviders = [GuestIdentity, { provide: APP_GUARD, useClass: AccessGuard }];

@Global()
@Module({ imports: [JwtModule.register({})], providers: authProviders, exports: [GuestIdentity] })
export class AuthModule {}
