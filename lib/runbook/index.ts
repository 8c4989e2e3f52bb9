export * from './anchors';
export * from './facts';
export * from './merge';
export * from './pipeline-facts';
export * from './render';
export * from './render-pipeline';
export * from './aws-cli';
export * from './poll';
