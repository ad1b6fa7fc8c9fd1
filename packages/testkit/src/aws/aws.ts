import type { Registry } from '../registry/registry';
import { registryClient } from '../registry/client';
import type { FaultProxy } from '../registry/fault-proxy';
import { EcrError, EcrState } from './ecr';
import { startEcrRegistry } from './ecr-registry';
import { clusterRoute, describeCluster, EksError, type ClusterInfo } from './eks';
import { AwsFaults, type AwsService } from './faults';
import { startApiServer, type ApiReply, type ApiRequest, type ApiServer } from './http';
import { verifySigV4, type AwsCredentials } from './sigv4';
import { callerIdentityXml, stsAction, stsErrorXml } from './sts';

/**
 * The sandbox's AWS: ECR, EKS and STS endpoints (one loopback server each, shared state) reached by
 * the real SDK v3 clients through AWS_ENDPOINT_URL_<SERVICE>. Every request's SigV4 signature is
 * checked against the configured credentials, so a test passing proves the SDK really signed.
 */
export interface AwsRequestRecord {
  service: AwsService;
  operation: string;
  accessKeyId?: string;
  signatureValid: boolean;
  status: number;
  errorCode?: string;
}

export interface StartAwsOptions {
  /** The registry behind ECR; it needs an htpasswd user `AWS` (the token's password opens it). */
  registry: Registry;
  credentials: AwsCredentials;
  region?: string;
  accountId?: string;
  clusters?: Record<string, ClusterInfo>;
}

export interface Aws {
  endpoints: { ecr: string; eks: string; sts: string };
  /** ECR's registry endpoint (proxyEndpoint): the registry behind ECR semantics + fault injection. */
  registryFront: FaultProxy;
  /** `127.0.0.1:<port>` of registryFront: the registry host images are pushed to. */
  registryHost: string;
  region: string;
  accountId: string;
  credentials: AwsCredentials;
  ecr: EcrState & { setTokenPassword(password: string): void };
  env(): Record<string, string>;
  setCluster(name: string, info: ClusterInfo): void;
  faults: AwsFaults;
  requests: AwsRequestRecord[];
  stop(): Promise<void>;
}

const JSON11 = 'application/x-amz-json-1.1';
const ECR_TARGET = 'AmazonEC2ContainerRegistry_V20150921.';

export async function startAws(opts: StartAwsOptions): Promise<Aws> {
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '123456789012';
  const awsUser = opts.registry.users.find((u) => u.user === 'AWS');
  if (!awsUser) throw new Error('startAws: start the registry with an htpasswd user "AWS" (ECR tokens are AWS:<password>)');
  let tokenPassword = awsUser.password;
  const basic = `Basic ${Buffer.from(`AWS:${awsUser.password}`).toString('base64')}`;
  const backend = registryClient(opts.registry.url, awsUser);
  const clusters = new Map(Object.entries(opts.clusters ?? {}));
  const faults = new AwsFaults();
  const requests: AwsRequestRecord[] = [];
  let front: FaultProxy | undefined; // eslint-disable-line prefer-const -- assigned after EcrState, which reads it lazily

  const ecr = new EcrState({
    region,
    accountId,
    registryHost: () => front!.host,
    proxyEndpoint: () => front!.url,
    tokenPassword: () => tokenPassword,
    registry: backend,
  });
  front = await startEcrRegistry(opts.registry.url, ecr, backend, () => basic);

  /** Shared pipeline: signature, fault script, handler, record. */
  const serve = (service: AwsService, operationOf: (r: ApiRequest) => string, handle: (op: string, r: ApiRequest) => Promise<ApiReply>, error: (code: string, message: string, status: number) => ApiReply) =>
    startApiServer(async (req) => {
      const op = operationOf(req);
      const sig = verifySigV4(req, opts.credentials);
      const record = (status: number, errorCode?: string) => requests.push({ service, operation: op, accessKeyId: sig.accessKeyId, signatureValid: sig.ok, status, errorCode });
      if (!sig.ok || sig.service !== service || sig.region !== region) {
        const code = sig.code ?? 'InvalidSignatureException';
        const reply = error(code, sig.reason ?? `Credential should be scoped to a valid region and service (${region}/${service})`, service === 'ecr' ? 400 : 403);
        record(reply.status, code);
        return reply;
      }
      const fault = faults.take(service, op);
      if (fault) {
        record(fault.status, fault.code);
        return error(fault.code, fault.message, fault.status);
      }
      try {
        const reply = await handle(op, req);
        record(reply.status);
        return reply;
      } catch (e) {
        if (e instanceof EcrError || e instanceof EksError) {
          record(e.status, e.code);
          return error(e.code, e.message, e.status);
        }
        throw e;
      }
    });

  const servers: ApiServer[] = [];
  const ecrServer = await serve(
    'ecr',
    (r) => String(r.headers['x-amz-target'] ?? '').replace(ECR_TARGET, ''),
    async (op, r) => ({ status: 200, headers: { 'content-type': JSON11 }, body: JSON.stringify(await ecr.handle(op, JSON.parse(r.body.toString('utf8') || '{}'))) }),
    (code, message, status) => ({ status, headers: { 'content-type': JSON11, 'x-amzn-errortype': code }, body: JSON.stringify({ __type: code, message }) }),
  );
  servers.push(ecrServer);
  const eksServer = await serve(
    'eks',
    (r) => (clusterRoute(r.method, r.url) !== undefined ? 'DescribeCluster' : `${r.method} ${r.url}`),
    async (op, r) => {
      const name = clusterRoute(r.method, r.url);
      if (name === undefined) throw new EksError('NotFoundException', `${op} is not implemented by the sandbox`, 404);
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(describeCluster(clusters, name, region, accountId)) };
    },
    (code, message, status) => ({ status: code === 'ThrottlingException' ? 429 : status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': code }, body: JSON.stringify({ message }) }),
  );
  servers.push(eksServer);
  const stsServer = await serve(
    'sts',
    (r) => stsAction(r.method, r.url, r.body) ?? 'Unknown',
    async (op) => {
      if (op !== 'GetCallerIdentity') return { status: 400, headers: { 'content-type': 'text/xml' }, body: stsErrorXml('InvalidAction', `${op} is not implemented by the sandbox`) };
      return { status: 200, headers: { 'content-type': 'text/xml' }, body: callerIdentityXml(accountId, `arn:aws:iam::${accountId}:user/sandbox`, 'AIDASANDBOXUSER00001') };
    },
    (code, message, status) => {
      const stsCode = code === 'UnrecognizedClientException' ? 'InvalidClientTokenId' : code === 'InvalidSignatureException' ? 'SignatureDoesNotMatch' : code;
      return { status, headers: { 'content-type': 'text/xml' }, body: stsErrorXml(stsCode, message) };
    },
  );
  servers.push(stsServer);

  const endpoints = { ecr: ecrServer.url, eks: eksServer.url, sts: stsServer.url };
  return {
    endpoints,
    registryFront: front,
    registryHost: front.host,
    region,
    accountId,
    credentials: opts.credentials,
    ecr: Object.assign(ecr, { setTokenPassword: (p: string) => void (tokenPassword = p) }),
    env() {
      const env: Record<string, string> = {
        AWS_ENDPOINT_URL_ECR: endpoints.ecr,
        AWS_ENDPOINT_URL_EKS: endpoints.eks,
        AWS_ENDPOINT_URL_STS: endpoints.sts,
        AWS_ACCESS_KEY_ID: opts.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: opts.credentials.secretAccessKey,
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_EC2_METADATA_DISABLED: 'true',
      };
      if (opts.credentials.sessionToken) env.AWS_SESSION_TOKEN = opts.credentials.sessionToken;
      return env;
    },
    setCluster: (name, info) => void clusters.set(name, info),
    faults,
    requests,
    async stop() {
      await Promise.all([...servers.map((s) => s.stop()), front!.stop()]);
    },
  };
}
