// Cluster simulator figures: watch throughput, fan-out to 50 watches without loss, and the wall
// time of a 3-deployment rolling update (at 1× and time-scaled). Run: pnpm tsx bench/cluster.ts
import { request } from 'node:https';
import { type Cluster, startCluster } from '../packages/testkit/src/cluster/index';

interface Watcher {
  count: number;
  names: string[];
  close(): void;
  seen: Map<string, number>;
}

function openWatch(c: Cluster, path: string, keepNames = false): Promise<Watcher> {
  return new Promise((resolve, reject) => {
    const w: Watcher = { count: 0, names: [], seen: new Map(), close: () => req.destroy() };
    const req = request(new URL(path, c.url), { ca: c.caPem, headers: { Authorization: `Bearer ${c.token}` } }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (!line.startsWith('{"type":"ADDED"')) continue;
          w.count++;
          if (keepNames) w.names.push(JSON.parse(line).object.metadata.name);
          else w.seen.set('t', Date.now());
        }
      });
      resolve(w);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The current resourceVersion: that of a marker object written now. */
const rv = (c: Cluster) => c.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rv-marker', namespace: 'default' }, data: { t: String(Date.now()) } })[0].metadata.resourceVersion!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cm = (ns: string, name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { k: name } });

async function watchThroughput(): Promise<void> {
  const c = await startCluster({ watchHistory: 100_000 });
  c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
  // paced: 1,000 events/s for 3 s, all must arrive
  const w = await openWatch(c, `/api/v1/namespaces/bench/configmaps?watch=true&resourceVersion=${rv(c)}`);
  await sleep(50);
  const t0 = Date.now();
  let sent = 0;
  while (Date.now() - t0 < 3000) {
    const due = Math.floor(((Date.now() - t0) / 1000) * 1000);
    while (sent < due) c.apply(cm('bench', `paced-${sent++}`));
    await sleep(5);
  }
  await c.waitFor(() => w.count === sent, 10_000, 'paced events');
  const paced = (sent / ((Date.now() - t0) / 1000)).toFixed(0);
  console.log(`watch, paced:      ${sent} events in ${((Date.now() - t0) / 1000).toFixed(2)} s → ${paced} events/s delivered, 0 lost   (goal: 1,000 events/s)`);
  w.close();
  // flat out: how fast can one watch be fed
  const w2 = await openWatch(c, `/api/v1/namespaces/bench/configmaps?watch=true&resourceVersion=${rv(c)}`);
  await sleep(50);
  const n = 20_000;
  const t1 = Date.now();
  for (let i = 0; i < n; i++) {
    c.apply(cm('bench', `burst-${i}`));
    if (i % 500 === 0) await sleep(0);
  }
  await c.waitFor(() => w2.count === n, 30_000, 'burst events');
  const s = (Date.now() - t1) / 1000;
  console.log(`watch, flat out:   ${n} events in ${s.toFixed(2)} s → ${Math.round(n / s)} events/s (writer, server and reader share one process)`);
  w2.close();
  await c.stop();
}

async function fanOut(): Promise<void> {
  const c = await startCluster({ watchHistory: 100_000 });
  c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fan' } });
  const from = rv(c);
  const ws = await Promise.all(Array.from({ length: 50 }, () => openWatch(c, `/api/v1/namespaces/fan/configmaps?watch=true&resourceVersion=${from}`, true)));
  await sleep(100);
  const n = 2000;
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    c.apply(cm('fan', `f-${i}`));
    if (i % 100 === 0) await sleep(0);
  }
  await c.waitFor(() => ws.every((w) => w.count === n), 60_000, 'fan-out');
  const s = (Date.now() - t0) / 1000;
  const inOrder = ws.every((w) => w.names.every((x, i) => x === `f-${i}`));
  console.log(`50 watches:        ${n} events each (${n * 50} deliveries) in ${s.toFixed(2)} s → ${Math.round((n * 50) / s)} deliveries/s; dropped: 0; all in order: ${inOrder}   (goal: no dropped events)`);
  for (const w of ws) w.close();
  await c.stop();
}

async function rollingUpdate(timeScale: number, readinessDelay: number): Promise<{ wall: number; sim: number }> {
  const c = await startCluster({ timeScale });
  const names = ['backend', 'worker', 'beat'];
  const dep = (name: string, image: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image, readinessProbe: { httpGet: { path: '/', port: 8080 }, initialDelaySeconds: readinessDelay } }] } },
    },
  });
  const complete = (image: string) => names.every((n) => {
    const d = c.get('deployments', 'default', n);
    return d && d.spec.template.spec.containers[0].image === image && d.status?.observedGeneration === d.metadata.generation && d.status.updatedReplicas === 3 && d.status.availableReplicas === 3 && d.status.replicas === 3;
  });
  c.apply(names.map((n) => dep(n, 'registry.local/app:v1')));
  await c.waitFor(() => complete('registry.local/app:v1'), 120_000, 'v1');
  const t0 = Date.now();
  const s0 = c.clock.now();
  c.apply(names.map((n) => dep(n, 'registry.local/app:v2')));
  await c.waitFor(() => complete('registry.local/app:v2'), 120_000, 'v2');
  const wall = (Date.now() - t0) / 1000;
  const sim = (c.clock.now() - s0) / 1000;
  await c.stop();
  return { wall, sim };
}

await watchThroughput();
await fanOut();
const slow = await rollingUpdate(1, 0);
console.log(`rolling update 1×:  3 deployments × 3 replicas (25% surge/unavailable), ready at start (0.5 s pulls): ${slow.wall.toFixed(2)} s wall`);
const fast = await rollingUpdate(50, 10);
console.log(`rolling update 50×: same with a 10 s readiness delay: ${fast.sim.toFixed(0)} simulated s in ${fast.wall.toFixed(2)} s wall   (goal: < 5 s)`);
