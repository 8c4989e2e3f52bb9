export * from './matchers';
export * from './snapshot';
