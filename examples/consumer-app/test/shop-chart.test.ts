import { Testing } from 'cdk8s';
import { snapshotOf } from 'glidepath/testing';
import { ShopAdminChart } from '../lib/shop-chart';

describe('ShopAdminChart', () => {
  const chart = new ShopAdminChart(Testing.app(), 'shop-admin');

  test('reads secrets through External Secrets, never from the manifest', () => {
    expect(chart).toKeepSecretsOutOfPlainText();
  });

  test('manifests and runbook', () => {
    expect(snapshotOf(chart)).toMatchSnapshot();
  });
});
