import { loadDefinitionFile } from './lib/model/load';
import { compileRollout, backendFor } from './lib/plan/rollout-plan';
import { Target } from './lib/targets/target';
import { detectionReport } from './lib/plan/detection/detection-plan';
for (const f of ['examples/checkout/definition.yaml','examples/payments-api/definition.ts','examples/storefront-web/definition.yaml']) {
  const d = loadDefinitionFile(f);
  for (const target of [Target.AWS, Target.KUBERNETES]) {
    if (target === Target.KUBERNETES && d.workload.function) continue;
    d.environments.forEach((e, i) => {
      const t0 = Date.now();
      const plan = compileRollout(e, backendFor(d, target, e));
      const r = detectionReport(e, { label: `${d.service}-${e.name}`, environmentIndex: i, schedule: plan.schedule, scrapeInterval: e.kubernetes.scrapeInterval });
      if (!r) { console.log(d.service, e.name, target, 'none'); return; }
      console.log(d.service, e.name, target, Date.now()-t0, 'ms', JSON.stringify(r.argoGate ?? r.cloudWatchGate), r.steps.map(s => `${s.name} ${s.trafficPercent}% ${s.bake} peak=${s.peak?.toFixed(3)} quiet=${s.quiet?.toFixed(3)}`).join(' | '), 'false', r.falseRollback, 'burst', r.burstRollback);
      for (const x of r.findings) console.log('   FINDING', x.path, x.message, '; FIX', x.fix);
    });
  }
}
