export * from './deployment-component';
