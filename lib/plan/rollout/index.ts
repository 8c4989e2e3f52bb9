export * from './schedule';
export * from './ecs-schedule';
export * from './codedeploy-schedule';
export * from './argo-schedule';
export * from './rollout-plan';
