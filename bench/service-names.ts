/** Name of the i-th benchmark service (1-based): `checkout-001`, `checkout-002`, ... */
export function serviceName(i: number): string {
  return `checkout-${String(i).padStart(3, '0')}`;
}
