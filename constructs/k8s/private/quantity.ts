/*
 * Kubernetes resource quantities in their canonical form, as the API machinery serializes them.
 *
 * Why: controllers that decode a pod template into the core Go types (the Argo Rollouts
 * controller does for a Rollout's `spec.template`) write quantities back canonicalized: `1000m`
 * becomes `1`, `2048Mi` becomes `2Gi`. The controller then owns a value that differs from what
 * we apply, and the next `kubectl apply --server-side` conflicts (argoproj/argo-rollouts#3281).
 * Emitting the canonical form makes our value and the controller's the same, which server-side
 * apply treats as shared ownership, not a conflict.
 *
 * Follows kubernetes/kubernetes `staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go`:
 * `ParseQuantity` (suffix interpretation, rounding up to nano precision away from zero, the
 * BinarySI cap at 2^63-1, BinarySI below 1 becomes DecimalSI) and `CanonicalizeBytes` (BinarySI
 * between -1024 and 1024 or with a fraction is emitted as DecimalSI; decimal exponents are the
 * largest multiple of 3 with no fractional digits; DecimalSI beyond `E` falls back to `e<exp>`).
 */

enum Format {
  DECIMAL_EXPONENT = 'DecimalExponent',
  BINARY_SI = 'BinarySI',
  DECIMAL_SI = 'DecimalSI',
}

/** A parsed quantity: the value in nano units (10^-9), exact, and the format its suffix implies. */
interface ParsedQuantity {
  readonly nanos: bigint;
  readonly format: Format;
}

const NANO = 10n ** 9n;
const MAX_ALLOWED = (1n << 63n) - 1n;
const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?([eEinumkKMGTP]*[-+]?\d*)$/;

/** Integer division rounding away from zero (inf.RoundUp). */
function divideAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  const q = numerator / denominator;
  return q * denominator === numerator ? q : q + (numerator < 0n ? -1n : 1n);
}

function parse(text: string): ParsedQuantity {
  const m = QUANTITY.exec(text);
  if (!m || text === '') throw new Error(`"${text}" is not a Kubernetes quantity (e.g. "500m", "1Gi")`);
  const [, sign, whole, fraction = '', suffix] = m;
  let format: Format;
  let exponent10 = 0;
  let exponent2 = 0;
  if (suffix in DECIMAL_SUFFIXES) {
    format = Format.DECIMAL_SI;
    exponent10 = DECIMAL_SUFFIXES[suffix];
  } else if (suffix in BINARY_SUFFIXES) {
    format = Format.BINARY_SI;
    exponent2 = BINARY_SUFFIXES[suffix];
  } else if (/^[eE][-+]?\d+$/.test(suffix)) {
    format = Format.DECIMAL_EXPONENT;
    exponent10 = Number(suffix.slice(1));
  } else {
    throw new Error(`"${text}" has an unknown quantity suffix "${suffix}"`);
  }
  // value = digits × 10^(exponent10 - fraction digits) × 2^exponent2, held exactly as a fraction.
  let numerator = BigInt(`${whole}${fraction}` || '0') * 2n ** BigInt(exponent2) * NANO;
  let denominator = 1n;
  const scale = exponent10 - fraction.length;
  if (scale >= 0) numerator *= 10n ** BigInt(scale);
  else denominator = 10n ** BigInt(-scale);
  if (sign === '-') numerator = -numerator;
  // Non-zero values round up to the nearest nano, away from zero.
  let nanos = divideAwayFromZero(numerator, denominator);
  const magnitude = nanos < 0n ? -nanos : nanos;
  if (format === Format.BINARY_SI && magnitude > MAX_ALLOWED * NANO) nanos = (nanos < 0n ? -MAX_ALLOWED : MAX_ALLOWED) * NANO;
  if (format === Format.BINARY_SI && magnitude > 0n && magnitude < NANO) format = Format.DECIMAL_SI;
  return { nanos, format };
}

function canonicalize({ nanos, format }: ParsedQuantity): string {
  if (nanos === 0n) return '0';
  const negative = nanos < 0n;
  const magnitude = negative ? -nanos : nanos;
  const sign = negative ? '-' : '';
  if (format === Format.BINARY_SI && magnitude >= 1024n * NANO && magnitude % NANO === 0n) {
    let mantissa = magnitude / NANO;
    let exponent = 0;
    while (mantissa % 1024n === 0n && exponent < 60) {
      mantissa /= 1024n;
      exponent += 10;
    }
    const suffix = Object.keys(BINARY_SUFFIXES).find((s) => BINARY_SUFFIXES[s] === exponent) ?? '';
    return `${sign}${mantissa}${suffix}`;
  }
  const decimalFormat = format === Format.DECIMAL_EXPONENT ? Format.DECIMAL_EXPONENT : Format.DECIMAL_SI;
  let mantissa = magnitude;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent += 1;
  }
  const down = ((exponent % 3) + 3) % 3;
  mantissa *= 10n ** BigInt(down);
  exponent -= down;
  if (decimalFormat === Format.DECIMAL_SI) {
    const suffix = Object.keys(DECIMAL_SUFFIXES).find((s) => DECIMAL_SUFFIXES[s] === exponent);
    if (suffix !== undefined) return `${sign}${mantissa}${suffix}`;
  }
  return `${sign}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
}

/**
 * The canonical form the Kubernetes API machinery serializes a quantity in: `1000m` → `1`,
 * `2048Mi` → `2Gi`, `1.5Gi` → `1536Mi`, `0.5` → `500m`. Throws on text that is not a quantity.
 *
 * @see https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go
 */
export function canonicalQuantity(text: string): string {
  return canonicalize(parse(text));
}
