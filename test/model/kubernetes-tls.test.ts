/**
 * HTTPS in production as the Kubernetes target needs it (lib/model/validate/kubernetes-tls.ts):
 * `loadDefinitionFile`, and so `glidepath validate` and `check`, refuses a production Ingress
 * without a host and TLS, naming the field, the value and the fix.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { DefinitionError, loadDefinitionFile } from '../../lib/model';

const ROOT = path.resolve(__dirname, '..', '..');
const STOREFRONT = fs.readFileSync(path.join(ROOT, 'examples', 'storefront-web', 'definition.yaml'), 'utf8');
const CHECKOUT = fs.readFileSync(path.join(ROOT, 'examples', 'checkout', 'definition.yaml'), 'utf8');
const CERT = 'arn:aws:acm:eu-central-1:111111111111:certificate/0a1b2c3d-1111-2222-3333-444455556666';
const OPT_OUT = '"tls: { enabled: false, reason: ... }" to accept plain HTTP';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-k8s-tls-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, d: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, stringify(d));
  return file;
}

/** The messages `loadDefinitionFile` refuses `d` with, positions cut. */
function refusal(name: string, d: unknown): string[] {
  try {
    loadDefinitionFile(write(name, d));
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return (error as DefinitionError).problems.map((p) => p.message.replace(/ \(at [^)]*\)$/, ''));
  }
  throw new Error(`${name} loaded`);
}

/** storefront-web with its prod environment (index 2) changed by `edit`. */
function storefront(edit: (prod: Record<string, any>, d: Record<string, any>) => void): Record<string, any> {
  const d = parse(STOREFRONT);
  edit(d.environments[2], d);
  return d;
}

describe('HTTPS on the production Kubernetes Ingress', () => {
  test('the examples declare it and load', () => {
    expect(
      loadDefinitionFile(path.join(ROOT, 'examples', 'storefront-web', 'definition.yaml')).environments[2].kubernetes.ingress,
    ).toMatchObject({
      host: 'shop.acme.example',
      tls: { clusterIssuer: 'letsencrypt-prod' },
    });
    expect(loadDefinitionFile(path.join(ROOT, 'examples', 'checkout', 'definition.yaml')).environments[2].kubernetes.ingress).toMatchObject(
      {
        host: 'checkout.acme.example',
        tls: { clusterIssuer: 'letsencrypt-prod' },
      },
    );
  });

  test('fails when production nginx has a host but no TLS (the AWS certificate does not reach the cluster)', () => {
    const d = storefront((prod) => delete prod.kubernetes);
    expect(refusal('no-ingress-tls.yaml', d)).toEqual([
      `environments[2].kubernetes.ingress.tls is missing; production environment "prod" renders for Kubernetes an Ingress for "shop.acme.example" over plain HTTP (ingress-nginx cannot serve an ACM certificate); set "kubernetes.ingress.tls.clusterIssuer" (a cert-manager ClusterIssuer, e.g. "letsencrypt-prod") or "kubernetes.ingress.tls.secretName" (an existing TLS Secret in the namespace), or ${OPT_OUT}`,
    ]);
  });

  test('fails when production has no Ingress host (checkout without its kubernetes.ingress)', () => {
    const d = parse(CHECKOUT);
    delete d.environments[2].kubernetes;
    expect(refusal('no-host.yaml', d)).toEqual([
      `environments[2].kubernetes.ingress.host is missing; production environment "prod" renders for Kubernetes an Ingress that answers every host over plain HTTP; set "kubernetes.ingress.host" (e.g. "shop.acme.example") and "kubernetes.ingress.tls" with "clusterIssuer" (a cert-manager ClusterIssuer, e.g. "letsencrypt-prod") or "secretName" (an existing TLS Secret in the namespace), or ${OPT_OUT}`,
    ]);
  });

  test('fails when the ALB controller has no ACM certificate (a DNS-validated domain is issued by the AWS stack only)', () => {
    const d = storefront((prod, s) => {
      delete prod.kubernetes;
      s.kubernetes.ingress = { className: 'alb', sourceCidr: '10.0.0.0/16', host: 'shop.acme.example' };
    });
    expect(refusal('alb-no-cert.yaml', d)).toEqual([
      `environments[2].tls.certificateArn is missing; production environment "prod" renders for Kubernetes an Ingress for "shop.acme.example" through the AWS Load Balancer Controller, which serves HTTPS only with an ACM certificate (a certificate issued for "tls.domainName" belongs to the AWS target's stack); set "tls.certificateArn" to a certificate for "shop.acme.example", or ${OPT_OUT}`,
    ]);
    const ok = storefront((prod, s) => {
      delete prod.kubernetes;
      prod.tls = { certificateArn: CERT };
      s.kubernetes.ingress = { className: 'alb', sourceCidr: '10.0.0.0/16', host: 'shop.acme.example' };
    });
    expect(loadDefinitionFile(write('alb-cert.yaml', ok)).environments[2].tls?.certificateArn).toBe(CERT);
  });

  test('fails when a TLS Secret is given to the ALB controller, in any environment', () => {
    const d = storefront((prod, s) => {
      delete prod.kubernetes;
      prod.tls = { certificateArn: CERT };
      s.kubernetes.ingress = { className: 'alb', sourceCidr: '10.0.0.0/16', host: 'shop.acme.example', tls: { secretName: 'shop-tls' } };
    });
    const messages = refusal('alb-secret.yaml', d);
    // Written once at the service level: one problem, not one per environment.
    expect(messages).toEqual([
      'kubernetes.ingress.tls is {"secretName":"shop-tls"}; the AWS Load Balancer Controller (class "alb") reads no TLS Secret and runs no cert-manager issuer: it serves an ACM certificate; remove "kubernetes.ingress.tls" and set "tls.certificateArn" (an ACM certificate for the host) where HTTPS is needed',
    ]);
  });

  test('fails when kubernetes.ingress.tls names neither a Secret nor an issuer', () => {
    const d = storefront((prod) => (prod.kubernetes = { ingress: { tls: {} } }));
    expect(refusal('empty-tls.yaml', d)).toEqual([
      expect.stringMatching(
        /^environments\[2\]\.kubernetes\.ingress\.tls .*needs "secretName" \(an existing TLS Secret, e\.g\. "shop-acme-example-tls"\) or "clusterIssuer" \(cert-manager, e\.g\. "letsencrypt-prod"\)/,
      ),
    ]);
  });

  test('plain HTTP with a reason is accepted for both targets', () => {
    const d = storefront((prod) => {
      delete prod.kubernetes;
      prod.tls = { enabled: false, reason: 'TLS terminates at the corporate proxy in front of the cluster' };
    });
    expect(loadDefinitionFile(write('plain.yaml', d)).environments[2].tls?.reason).toContain('corporate proxy');
  });
});
