export * from './policy';
export * from './fold';
export * from './word-lists';
export * from './features';
export * from './spam-model';
