import { Global, Module } from '@nestjs/common';
import { GuestIdentity } from '../auth/guest-identity';
import { CommenterDirectory } from './commenter-directory';

const commenterProviders = [GuestIdentity, CommenterDirectory];

/** Commenter ids and their keys: the API enrols and erases, the worker finishes erasures. */
@Global()
@Module({ providers: commenterProviders, exports: commenterProviders })
export class CommentersModule {}
