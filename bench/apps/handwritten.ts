import type { App, Stack } from 'aws-cdk-lib';
import { HandWrittenCheckoutStack } from '../handwritten/checkout-stack';
import { CHECKOUT_ENVIRONMENTS } from '../handwritten/environments';
import { serviceName } from '../service-names';
import type { BenchApp } from './bench-app';

/** The baseline: `HandWrittenCheckoutStack` per service × environment; loads nothing of glidepath. */
export const handWrittenApp: BenchApp = {
  addStacks(app: App, services: number): Stack[] {
    return Array.from({ length: services }, (_, i) =>
      CHECKOUT_ENVIRONMENTS.map(
        (environment) =>
          new HandWrittenCheckoutStack(app, `${serviceName(i + 1)}-${environment.name}`, { service: serviceName(i + 1), environment }),
      ),
    ).flat();
  },
};
