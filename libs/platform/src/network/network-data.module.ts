import { Global, Module } from '@nestjs/common';
import { NetworkData } from './network-data';

/** In both apps: the API records a submission's network, the spam worker reads it. */
@Global()
@Module({ providers: [NetworkData], exports: [NetworkData] })
export class NetworkDataModule {}
