import { Global, Module } from '@nestjs/common';
import { AppConfig, loadConfig } from './app-config';

export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;

const configProviders = [
  { provide: AppConfig, useFactory: () => loadConfig() },
  { provide: CLOCK, useValue: (() => new Date()) satisfies Clock },
];

@Global()
@Module({ providers: configProviders, exports: configProviders })
export class AppConfigModule {}
