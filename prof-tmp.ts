import { argoStepDetector } from './lib/plan/detection/step-fixes';
const d = argoStepDetector(30, 0.005, 0.015);
const t = Date.now();
d([ {name:'canary', weight:0.02, seconds:14400}, {name:'partial', weight:0.2, seconds:900}, {name:'majority', weight:0.5, seconds:900}, {name:'full', weight:1, seconds:1800}] as any, 5, 0);
console.log(Date.now() - t);
