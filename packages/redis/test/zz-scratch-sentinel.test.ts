import { it, expect } from 'vitest';
import { startSentinels } from './support/sentinel.js';
it('starts', async () => {
  const t0 = Date.now();
  const s = await startSentinels({ dataPassword: 'datapw', sentinelPassword: 'sentpw' });
  console.log('ready in', Date.now() - t0, await s.masterOf('mymaster'));
  const t1 = Date.now();
  await s.sentinel(s.sentinelAddresses[0]!).call('SENTINEL', 'FAILOVER', 'mymaster');
  const old = s.groups[0]!.nodes[0]!.address;
  for (;;) { const m = await s.masterOf('mymaster'); if (m !== old) { console.log('switched', Date.now()-t1, m); break; } await new Promise(r=>setTimeout(r,50)); }
  await s.stop();
});
