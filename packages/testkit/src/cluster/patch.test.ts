import { applyPatch, jsonMerge, jsonPatch, strategicMerge } from './patch';
import { labelMatcher, selectorToString, fieldMatcher } from './selectors';

const pod = {
  spec: {
    containers: [
      { name: 'app', image: 'a:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
      { name: 'side', image: 's:1' },
    ],
  },
};

describe('strategic merge patch', () => {
  it('merges containers by name (kubectl set image)', () => {
    const out = strategicMerge(pod, { spec: { containers: [{ name: 'app', image: 'a:2' }] } });
    expect(out.spec.containers).toEqual([
      { name: 'app', image: 'a:2', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
      { name: 'side', image: 's:1' },
    ]);
    expect(pod.spec.containers[0].image).toBe('a:1'); // input untouched
  });

  it('merges env by name, appends new, deletes with $patch: delete and null', () => {
    const out = strategicMerge(pod, {
      spec: { containers: [{ name: 'app', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }, { name: 'A', $patch: 'delete' }] }, { name: 'side', $patch: 'delete' }] },
    });
    expect(out.spec.containers).toEqual([{ name: 'app', image: 'a:1', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] }]);
    expect(strategicMerge({ a: 1, b: 2 }, { a: null })).toEqual({ b: 2 });
  });

  it('honours $setElementOrder and $patch: replace, and ignores $retainKeys-free maps', () => {
    const out = strategicMerge(pod, { spec: { containers: [{ name: 'side', image: 's:2' }], '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }] } });
    expect(out.spec.containers.map((c: any) => c.name)).toEqual(['side', 'app']);
    const rep = strategicMerge(pod, { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'o:1' }] } });
    expect(rep.spec.containers).toEqual([{ name: 'only', image: 'o:1' }]);
  });

  it('replaces lists without a merge key and unions finalizers', () => {
    expect(strategicMerge({ args: ['a', 'b'] }, { args: ['c'] })).toEqual({ args: ['c'] });
    expect(strategicMerge({ metadata: { finalizers: ['x'] } }, { metadata: { finalizers: ['y', 'x'] } })).toEqual({ metadata: { finalizers: ['x', 'y'] } });
  });
});

describe('JSON merge and JSON patch', () => {
  it('merge patch replaces lists and removes nulls', () => {
    expect(jsonMerge(pod, { spec: { containers: [{ name: 'x' }] } }).spec.containers).toEqual([{ name: 'x' }]);
    expect(jsonMerge({ a: { b: 1, c: 2 } }, { a: { b: null } })).toEqual({ a: { c: 2 } });
  });

  it('json patch: add/replace/remove/move/copy/test, and kubectl rollout undo shape', () => {
    const doc = { metadata: { annotations: { x: '1' } }, spec: { template: { a: 1 }, list: [1, 2] } };
    const out = jsonPatch(doc, [
      { op: 'replace', path: '/spec/template', value: { b: 2 } },
      { op: 'replace', path: '/metadata/annotations', value: { y: '2' } },
      { op: 'add', path: '/spec/list/-', value: 3 },
      { op: 'remove', path: '/spec/list/0' },
      { op: 'copy', from: '/spec/list', path: '/spec/copy' },
      { op: 'move', from: '/spec/copy', path: '/spec/moved' },
      { op: 'test', path: '/spec/moved/0', value: 2 },
      { op: 'add', path: '/metadata/annotations/a~1b', value: 'slash' },
    ]);
    expect(out).toEqual({ metadata: { annotations: { y: '2', 'a/b': 'slash' } }, spec: { template: { b: 2 }, list: [2, 3], moved: [2, 3] } });
    expect(() => jsonPatch(doc, [{ op: 'replace', path: '/nope/x', value: 1 }])).toThrow(/missing/);
    expect(() => jsonPatch(doc, [{ op: 'test', path: '/spec/template/a', value: 2 }])).toThrow(/test failed/);
  });

  it('other content types are 415 Unsupported Media Type', () => {
    try {
      applyPatch('application/json', {}, {});
      throw new Error('no throw');
    } catch (e: any) {
      expect(e.code).toBe(415);
      expect(e.reason).toBe('UnsupportedMediaType');
    }
  });
});

describe('selectors', () => {
  it('label selectors: =, ==, !=, in, notin, exists, !exists', () => {
    const l = { app: 'web', tier: 'front', env: 'prod' };
    expect(labelMatcher('app=web')(l)).toBe(true);
    expect(labelMatcher('app==web,tier!=back')(l)).toBe(true);
    expect(labelMatcher('env in (prod, staging),tier notin (back)')(l)).toBe(true);
    expect(labelMatcher('env notin (prod)')(l)).toBe(false);
    expect(labelMatcher('app')(l)).toBe(true);
    expect(labelMatcher('!app')(l)).toBe(false);
    expect(labelMatcher('missing!=x')(l)).toBe(true);
    expect(labelMatcher('')(l)).toBe(true);
    expect(() => labelMatcher('a b c')).toThrow(/unable to parse/);
  });

  it('field selectors and selector strings', () => {
    const obj = { metadata: { name: 'x', namespace: 'n' }, status: { phase: 'Running' } };
    expect(fieldMatcher('metadata.name=x')(obj)).toBe(true);
    expect(fieldMatcher('metadata.name==y')(obj)).toBe(false);
    expect(fieldMatcher('status.phase!=Failed,metadata.namespace=n')(obj)).toBe(true);
    expect(selectorToString({ matchLabels: { a: 'b' }, matchExpressions: [{ key: 'c', operator: 'In', values: ['d', 'e'] }, { key: 'f', operator: 'Exists' }] })).toBe('a=b,c in (d,e),f');
  });
});
