import type { ServiceState } from './ecs-model';
import { iso } from './templates';

/*
 * What an ECS service carries from before the drill, as the API returns it: its events, the
 * deployments of the last 90 days, its task definitions' members. A diagnostic that drops its
 * --query prints all of this: what the reader would have to read through at 3 a.m.
 */

/**
 * The service's events, newest first: ECS keeps the last 100
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html):
 * "has reached a steady state" every 6 hours while nothing changes; while the serving revision
 * crashes at start, a task started and stopped every minute.
 */
export function serviceEvents(s: ServiceState, serving: number, now: number): { id: string; createdAt: string; message: string }[] {
  const events: { at: number; message: string }[] = [];
  for (let at = Math.floor(now / 21600) * 21600 - 100 * 21600; at <= now; at += 21600)
    events.push({ at, message: `(service ${s.name}) has reached a steady state.` });
  if (s.crashing.has(serving))
    for (let at = -3600; at <= now; at += 60)
      events.push(
        { at, message: `(service ${s.name}) has started 1 tasks: (task ${(at & 0xffff).toString(16)}).` },
        {
          at: at + 30,
          message: `(service ${s.name}) has stopped 1 running tasks: (task ${(at & 0xffff).toString(16)}): Essential container in task exited.`,
        },
      );
  return events
    .filter((e) => e.at <= now)
    .sort((a, b) => b.at - a.at)
    .slice(0, 100)
    .map((e, i) => ({ id: `e${i}`, createdAt: iso(e.at), message: e.message }));
}

/**
 * Deployments of the last 90 days ListServiceDeployments keeps
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServiceDeployments.html),
 * before the three the model plays: three releases a week, each SUCCESSFUL.
 */
export function deploymentHistory(
  s: ServiceState,
  arn: (kind: string, rest: string) => string,
  revisionArn: (revision: number) => string,
): Record<string, string>[] {
  return Array.from({ length: 30 }, (_, i) => ({
    serviceDeploymentArn: arn('service-deployment', `${s.cluster}/${s.name}/h${i}`),
    serviceArn: arn('service', `${s.cluster}/${s.name}`),
    clusterArn: arn('cluster', s.cluster),
    createdAt: iso(-88 * 86400 + i * 2 * 86400),
    targetServiceRevisionArn: revisionArn(0),
    status: 'SUCCESSFUL',
  }));
}

/** A template value as the ECS API returns it: member names in camelCase, intrinsics as placeholders. */
export function camel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camel);
  if (v === null || typeof v !== 'object') return v;
  const keys = Object.keys(v as object);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return `<${keys[0]}>`;
  return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k.charAt(0).toLowerCase() + k.slice(1), camel(x)]));
}
