export * from './github-workflow';
