export * from './data-rights.module';
export * from './erase-commenter/erase-commenter.command';
export * from './export-commenter-data/export-commenter-data.query';
export * from './ledger/commenter-ledger';
export * from './shared/commenter-replies';
