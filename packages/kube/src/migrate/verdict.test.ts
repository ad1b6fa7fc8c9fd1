import type { ContainerStatus, Job, Pod } from '../types';
import { findingKeys, judgeJob } from './verdict';

const job = (o: { backoffLimit?: number; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> } = {}): Job => ({
  metadata: { name: 'migrate-api-abc' },
  spec: { backoffLimit: o.backoffLimit ?? 0, activeDeadlineSeconds: 900 },
  status: { conditions: o.conditions },
});

let n = 0;
const pod = (statuses: ContainerStatus[], o: { phase?: string; created?: string; init?: ContainerStatus[]; unschedulable?: boolean } = {}): Pod => ({
  metadata: { name: `migrate-api-abc-${++n}`, creationTimestamp: o.created ?? `2026-01-01T00:00:0${n % 10}Z` },
  status: {
    phase: o.phase ?? 'Running',
    containerStatuses: statuses,
    initContainerStatuses: o.init,
    conditions: o.unschedulable ? [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] : undefined,
  },
});

const running = (name = 'migrate'): ContainerStatus => ({ name, state: { running: { startedAt: 'x' } } });
const exited = (code: number, reason = code === 0 ? 'Completed' : 'Error', name = 'migrate'): ContainerStatus => ({ name, state: { terminated: { exitCode: code, reason } } });
const waiting = (reason: string, message = '', name = 'migrate'): ContainerStatus => ({ name, state: { waiting: { reason, message } } });

const judge = (j: Job, pods: Pod[], persisted = () => 0) => judgeJob({ job: j, pods, container: 'migrate', persisted });

describe('judgeJob', () => {
  it('waits while the container runs', () => {
    expect(judge(job(), [pod([running()])]).verdict).toBeUndefined();
    expect(judge(job(), []).verdict).toBeUndefined();
  });

  it.each(['Complete', 'SuccessCriteriaMet'])('succeeds on the Job condition %s', (type) => {
    expect(judge(job({ conditions: [{ type, status: 'True' }] }), []).verdict).toMatchObject({ outcome: 'succeeded', exitCode: 0 });
  });

  it('succeeds on exit 0 of the migration container even while a sidecar keeps the pod running', () => {
    const v = judge(job(), [pod([exited(0), running('istio-proxy')])]).verdict;
    expect(v).toMatchObject({ outcome: 'succeeded', reason: 'Completed', exitCode: 0 });
  });

  it('ignores a sidecar that exits non-zero', () => {
    expect(judge(job(), [pod([running(), exited(2, 'Error', 'istio-proxy')])]).verdict).toBeUndefined();
  });

  it('fails at once on a non-zero exit with backoffLimit 0, with the exit code', () => {
    const v = judge(job(), [pod([exited(3)], { phase: 'Failed' })]).verdict;
    expect(v).toMatchObject({ outcome: 'failed', reason: 'Error', exitCode: 3 });
    expect(v!.message).toMatch(/exited with code 3/);
  });

  it('waits for the retry while failures ≤ backoffLimit, then fails naming the attempt', () => {
    const j = job({ backoffLimit: 1 });
    const first = pod([exited(1)], { phase: 'Failed', created: '2026-01-01T00:00:01Z' });
    expect(judge(j, [first]).verdict).toBeUndefined();
    const second = pod([exited(4)], { phase: 'Failed', created: '2026-01-01T00:00:05Z' });
    const v = judge(j, [second, first]).verdict;
    expect(v).toMatchObject({ outcome: 'failed', exitCode: 4, pod: second.metadata!.name });
    expect(v!.message).toMatch(/attempt 2, backoffLimit 1/);
  });

  it('succeeds when a retry succeeds', () => {
    const j = job({ backoffLimit: 2 });
    expect(judge(j, [pod([exited(1)], { phase: 'Failed' }), pod([exited(0)], { phase: 'Succeeded' })]).verdict).toMatchObject({ outcome: 'succeeded' });
  });

  it('counts in-place restarts (restartPolicy OnFailure)', () => {
    const cs: ContainerStatus = { name: 'migrate', restartCount: 2, lastState: { terminated: { exitCode: 5, reason: 'Error' } }, state: { running: {} } };
    expect(judge(job({ backoffLimit: 2 }), [pod([cs])]).verdict).toBeUndefined();
    expect(judge(job({ backoffLimit: 1 }), [pod([cs])]).verdict).toMatchObject({ outcome: 'failed', exitCode: 5 });
  });

  it('reports OOMKilled', () => {
    const v = judge(job(), [pod([exited(137, 'OOMKilled')], { phase: 'Failed' })]).verdict;
    expect(v).toMatchObject({ outcome: 'failed', reason: 'OOMKilled', exitCode: 137 });
    expect(v!.message).toMatch(/memory limit/);
  });

  it('reports OOMKilled behind BackoffLimitExceeded', () => {
    const v = judge(job({ backoffLimit: 0, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] }), [pod([exited(137, 'OOMKilled')], { phase: 'Failed' })]).verdict;
    expect(v).toMatchObject({ outcome: 'failed', reason: 'OOMKilled', exitCode: 137 });
    expect(v!.message).toMatch(/BackoffLimitExceeded/);
  });

  it('times out on DeadlineExceeded', () => {
    const v = judge(job({ conditions: [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' }] }), [pod([running()])]).verdict;
    expect(v).toMatchObject({ outcome: 'timed-out', reason: 'DeadlineExceeded' });
    expect(v!.message).toMatch(/activeDeadlineSeconds 900/);
  });

  it('fails on a Failed condition without pods (e.g. they were garbage-collected)', () => {
    expect(judge(job({ conditions: [{ type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded' }] }), []).verdict).toMatchObject({ outcome: 'failed', reason: 'BackoffLimitExceeded' });
  });

  it('counts an evicted pod as a failure', () => {
    expect(judge(job(), [pod([], { phase: 'Failed' })]).verdict).toMatchObject({ outcome: 'failed', reason: 'PodFailed' });
  });

  describe('fast failures', () => {
    it('fails at once when the registry says the image does not exist', () => {
      const p = pod([waiting('ErrImagePull', 'rpc error: manifest unknown: manifest sha256:abc not found')]);
      expect(judge(job(), [p]).verdict).toMatchObject({ outcome: 'failed', reason: 'ImagePullBackOff' });
    });
    it('fails at once on an invalid image name', () => {
      expect(judge(job(), [pod([waiting('InvalidImageName', 'bad')])]).verdict).toMatchObject({ outcome: 'failed', reason: 'InvalidImageName' });
    });
    it('gives a transient pull error its grace period', () => {
      const p = pod([waiting('ImagePullBackOff', 'Back-off pulling image: i/o timeout')]);
      const j = judge(job(), [p], () => 1_000);
      expect(j.verdict).toBeUndefined();
      expect(j.notes.map((f) => f.reason)).toEqual(['ImagePullBackOff']);
      expect(judge(job(), [p], () => 31_000).verdict).toMatchObject({ outcome: 'failed', reason: 'ImagePullBackOff' });
    });
    it('fails a lasting CreateContainerConfigError (a missing Secret)', () => {
      const p = pod([waiting('CreateContainerConfigError', 'secret "dantaro-secrets" not found')]);
      expect(judge(job(), [p], () => 0).verdict).toBeUndefined();
      expect(judge(job(), [p], () => 30_000).verdict).toMatchObject({ outcome: 'failed', reason: 'CreateContainerConfigError' });
    });
    it('looks at init containers too but not at sidecars', () => {
      expect(judge(job(), [pod([running()], { init: [waiting('InvalidImageName', '', 'wait-db')] })]).verdict).toMatchObject({ reason: 'InvalidImageName' });
      expect(judge(job(), [pod([running(), waiting('InvalidImageName', '', 'proxy')])]).verdict).toBeUndefined();
    });
    it('notes an unschedulable pod without failing', () => {
      const j = judge(job(), [pod([], { phase: 'Pending', unschedulable: true })]);
      expect(j.verdict).toBeUndefined();
      expect(j.notes[0].message).toMatch(/unschedulable: 0\/3 nodes/);
    });
    it('gives keys to track persistence under', () => {
      expect(findingKeys([pod([waiting('ImagePullBackOff', 'x')])], 'migrate')).toHaveLength(1);
    });
  });
});
