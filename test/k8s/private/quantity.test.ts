import { canonicalQuantity } from '../../../constructs/k8s/private/quantity';

/*
 * Expected values are upstream's: kubernetes/kubernetes
 * staging/src/k8s.io/apimachinery/pkg/api/resource/quantity_test.go (commit 357557a of
 * kubernetes/apimachinery), TestQuantityParseEmit, and TestQuantityString's "alternate" column
 * (ParseQuantity(alternate).String() == expect) and canonical column (a canonical string is
 * emitted unchanged).
 */
describe('canonicalQuantity', () => {
  // TestQuantityParseEmit
  test.each([
    ['1Ki', '1Ki'],
    ['1Mi', '1Mi'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1000M', '1G'],
    ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
  ])('TestQuantityParseEmit: %s → %s (and its negative)', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
    expect(canonicalQuantity(`-${input}`)).toBe(`-${expected}`);
  });

  // TestQuantityString: alternate → expect
  test.each([
    ['1024Mi', '1Gi'],
    ['307200Ki', '300Mi'],
    ['1025024Mi', '1001Gi'],
    ['1024Gi', '1Ti'],
    ['5000m', '5'],
    ['0.5', '500m'],
    ['1000M', '1G'],
    ['0.001T', '1G'],
    ['1000u', '1m'],
    ['1.08', '1080m'],
    ['1080000000n', '1080m'],
    ['1000E', '1e21'],
    ['5000E', '5e21'],
    ['1000000E', '1e24'],
    ['.001e12', '1e9'],
    ['0.001e0', '1e-3'],
    ['1000e-12', '1e-9'],
    ['00', '0'],
  ])('TestQuantityString alternate: %s → %s', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
  });

  // TestQuantityString: canonical strings stay as they are.
  test.each([
    '1Gi',
    '300Mi',
    '6Ki',
    '1001Gi',
    '1Ti',
    '5',
    '500m',
    '1G',
    '1m',
    '80m',
    '1080m',
    '300M',
    '1T',
    '1E',
    '1e21',
    '1234567M',
    '1234567m',
    '3k',
    '1025',
    '0',
    '1e9',
    '1e-3',
    '1e-9',
    '80e-3',
    '300e6',
    '1e12',
    '1e3',
    '3e3',
    '1n',
    '80n',
    '1080n',
    '1u',
    '80u',
    '1080u',
  ])('TestQuantityString canonical: %s', (canonical) => {
    expect(canonicalQuantity(canonical)).toBe(canonical);
  });

  // TestMilliNewSet / TestQuantityNeg: the values glidepath writes.
  test("the issue's examples: 1000m → 1, 2048Mi → 2Gi; 1.5Gi → 1536Mi (the Quantity doc comment)", () => {
    expect(canonicalQuantity('1000m')).toBe('1');
    expect(canonicalQuantity('2048Mi')).toBe('2Gi');
    expect(canonicalQuantity('1.5Gi')).toBe('1536Mi');
    expect(canonicalQuantity('1.5')).toBe('1500m');
  });

  // TestQuantityParse: rounding up to nano precision, and the BinarySI cap.
  test.each([
    ['3.001n', '4n'],
    ['0.9n', '1n'],
    ['0.00000012345', '124n'],
    ['9Ei', '9223372036854775807'],
    ['100.035k', '100035'],
  ])('TestQuantityParse rounding: %s → %s', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
  });

  test.each(['1.1.M', '1+1.0M', '0.1mi', '0.1am', 'aoeu', '.5i', '1i', '-3.01i', '-3.01e-', ' 1', '1 ', ''])(
    'TestQuantityParse invalid: "%s" fails',
    (input) => {
      expect(() => canonicalQuantity(input)).toThrow(/quantity/);
    },
  );
});
