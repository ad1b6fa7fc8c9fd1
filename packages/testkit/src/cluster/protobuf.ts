// Decoding the protobuf bodies kubectl's generators send (`kubectl create secret|configmap|
// namespace|deployment|job`): the `k8s\0` envelope and just the fields those generators set,
// by their generated.proto numbers. Anything else in protobuf stays 415.

type Schema = { [field: number]: [name: string, kind: Kind] };
type Kind = 'string' | 'bytes' | 'int' | 'bool' | 'map' | 'bytesmap' | 'strings' | Schema | [Schema];

const TIME: Schema = { 1: ['seconds', 'int'], 2: ['nanos', 'int'] };
const META: Schema = { 1: ['name', 'string'], 2: ['generateName', 'string'], 3: ['namespace', 'string'], 8: ['creationTimestamp', TIME], 11: ['labels', 'map'], 12: ['annotations', 'map'], 14: ['finalizers', 'strings'] };
const SELECTOR: Schema = { 1: ['matchLabels', 'map'] };
const PORT: Schema = { 1: ['name', 'string'], 3: ['containerPort', 'int'], 4: ['protocol', 'string'] };
const ENV: Schema = { 1: ['name', 'string'], 2: ['value', 'string'] };
const CONTAINER: Schema = {
  1: ['name', 'string'],
  2: ['image', 'string'],
  3: ['command', 'strings'],
  4: ['args', 'strings'],
  5: ['workingDir', 'string'],
  6: ['ports', [PORT]],
  7: ['env', [ENV]],
  8: ['resources', {}],
  13: ['terminationMessagePath', 'string'],
  14: ['imagePullPolicy', 'string'],
  20: ['terminationMessagePolicy', 'string'],
};
const POD_SPEC: Schema = { 2: ['containers', [CONTAINER]], 3: ['restartPolicy', 'string'], 4: ['terminationGracePeriodSeconds', 'int'], 6: ['dnsPolicy', 'string'], 7: ['nodeSelector', 'map'], 8: ['serviceAccountName', 'string'], 20: ['initContainers', [CONTAINER]] };
const TEMPLATE: Schema = { 1: ['metadata', META], 2: ['spec', POD_SPEC] };

const KINDS: Record<string, Schema> = {
  Secret: { 1: ['metadata', META], 2: ['data', 'bytesmap'], 3: ['type', 'string'], 4: ['stringData', 'map'], 5: ['immutable', 'bool'] },
  ConfigMap: { 1: ['metadata', META], 2: ['data', 'map'], 3: ['binaryData', 'bytesmap'], 4: ['immutable', 'bool'] },
  Namespace: { 1: ['metadata', META], 2: ['spec', { 1: ['finalizers', 'strings'] }] },
  ServiceAccount: { 1: ['metadata', META] },
  Deployment: { 1: ['metadata', META], 2: ['spec', { 1: ['replicas', 'int'], 2: ['selector', SELECTOR], 3: ['template', TEMPLATE], 4: ['strategy', { 1: ['type', 'string'] }] }] },
  Job: { 1: ['metadata', META], 2: ['spec', { 1: ['parallelism', 'int'], 2: ['completions', 'int'], 3: ['activeDeadlineSeconds', 'int'], 6: ['template', TEMPLATE], 7: ['backoffLimit', 'int'], 8: ['ttlSecondsAfterFinished', 'int'] }] },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  varint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
  }
  bytes(): Buffer {
    const n = this.varint();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function decode(buf: Buffer, schema: Schema): Record<string, any> {
  const r = new Reader(buf);
  const out: Record<string, any> = {};
  while (r.pos < buf.length) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    const spec = schema[field];
    if (!spec) {
      r.skip(wire);
      continue;
    }
    const [name, kind] = spec;
    if (kind === 'int') out[name] = r.varint();
    else if (kind === 'bool') out[name] = r.varint() === 1;
    else if (kind === 'string') {
      // gogo-protobuf writes empty strings; JSON omits them, and defaulting relies on that
      const v = r.bytes().toString('utf8');
      if (v !== '') out[name] = v;
    }
    else if (kind === 'bytes') out[name] = r.bytes().toString('base64');
    else if (kind === 'strings') (out[name] ??= []).push(r.bytes().toString('utf8'));
    else if (kind === 'map' || kind === 'bytesmap') {
      const e = decode(r.bytes(), { 1: ['k', 'string'], 2: ['v', kind === 'map' ? 'string' : 'bytes'] });
      (out[name] ??= {})[e.k ?? ''] = e.v ?? '';
    } else if (Array.isArray(kind)) (out[name] ??= []).push(decode(r.bytes(), kind[0]));
    else out[name] = decode(r.bytes(), kind);
  }
  return out;
}

/** The object a `application/vnd.kubernetes.protobuf` body carries, or undefined when its kind is not supported. */
export function decodeProtobufObject(body: Buffer): Record<string, any> | undefined {
  if (body.length < 4 || body.subarray(0, 4).toString('latin1') !== 'k8s\u0000') return undefined;
  const unknown = decode(body.subarray(4), { 1: ['typeMeta', { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] }], 2: ['raw', 'bytes'] });
  const kind = unknown.typeMeta?.kind;
  const schema = KINDS[kind];
  if (!schema || !unknown.raw) return undefined;
  const obj = decode(Buffer.from(unknown.raw, 'base64'), schema);
  if (obj.metadata?.creationTimestamp) delete obj.metadata.creationTimestamp;
  const tmpl = obj.spec?.template?.metadata;
  if (tmpl?.creationTimestamp) delete tmpl.creationTimestamp;
  return { apiVersion: unknown.typeMeta.apiVersion, kind, ...obj };
}
