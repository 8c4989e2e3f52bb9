#!/usr/bin/env node
/**
 * The shop's CDK app. After synthesis it writes the runbook of the stack next to the templates:
 * glidepath collects the facts of every glidepath construct in the tree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { collectRunbookFacts, renderRunbook } from 'glidepath';
import { ShopStack } from '../lib/shop-stack';

const app = new App();
const stack = new ShopStack(app, 'shop-prod', { env: { region: 'eu-west-1' } });
app.synth();

fs.writeFileSync(path.join(app.outdir, 'shop-prod.runbook.md'), renderRunbook(collectRunbookFacts(stack), { title: 'Runbook: shop-prod' }));
