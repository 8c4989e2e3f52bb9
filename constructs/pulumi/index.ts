// First: a missing peer is reported by name before any module loads it.
import './private/peers';
export * from './deployment-component';
