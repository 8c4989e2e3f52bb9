export * from './check';
export * from './file';
export * from './inline';
export * from './load';
export * from './run';
export * from './table';
