/** The namespace of an in-cluster Service URL (`http://svc.NAMESPACE.svc:9090`), if it is one. */
export function namespaceOfServiceUrl(url: string): string | undefined {
  return /^https?:\/\/[^./:]+\.([^./:]+)\.svc(\.|:|\/|$)/.exec(url)?.[1];
}
