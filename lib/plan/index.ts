export * from './argo-schedule';
export * from './codedeploy-schedule';
export * from './ecs-schedule';
export * from './schedule';
export * from './timing';
export * from './names';
export * from './promotion';
export * from './container-task-spec';
