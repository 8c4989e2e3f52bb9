/**
 * The upstream name ingress-nginx gives a Service port (`<namespace>-<service>-<port>`,
 * `internal/ingress/controller/util.go` `upstreamName`); requests it routed to a canary upstream
 * carry that name in the `canary` label (`rootfs/etc/nginx/lua/monitor.lua` reads
 * `proxy_alternative_upstream_name`, which `balancer.lua` sets when it picks the canary backend).
 */
export function ingressUpstreamName(namespace: string, service: string, port: string): string {
  return `${namespace}-${service}-${port}`;
}
