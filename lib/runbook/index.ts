export * from './anchors';
export * from './facts';
export * from './merge';
export * from './render';
