export const id = 670;
export const ids = [670];
export const modules = {

/***/ 8670:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  ECR_LOGIN_PERMISSIONS: () => (/* reexport */ ECR_LOGIN_PERMISSIONS),
  TOKEN_LIFETIME_MS: () => (/* reexport */ TOKEN_LIFETIME_MS),
  TOKEN_PREFIX: () => (/* reexport */ TOKEN_PREFIX),
  UNTAGGED_LIFECYCLE_POLICY: () => (/* reexport */ UNTAGGED_LIFECYCLE_POLICY),
  awsAuthError: () => (/* reexport */ awsAuthError),
  createEcrClient: () => (/* reexport */ createEcrClient),
  decodeEksToken: () => (/* reexport */ decodeEksToken),
  describeEksCluster: () => (/* reexport */ describeEksCluster),
  describeImage: () => (/* reexport */ describeImage),
  describeRepository: () => (/* reexport */ describeRepository),
  ecrImageStore: () => (/* reexport */ ecrImageStore),
  eksClusterAccess: () => (/* reexport */ eksClusterAccess),
  eksToken: () => (/* reexport */ eksToken),
  eksTokenProvider: () => (/* reexport */ eksTokenProvider),
  ensureRepository: () => (/* reexport */ ensureRepository),
  getEcrAuthorization: () => (/* reexport */ getEcrAuthorization),
  isAwsAuthError: () => (/* reexport */ isAwsAuthError),
  makeAuthDir: () => (/* reexport */ makeAuthDir),
  removeAuthDir: () => (/* reexport */ removeAuthDir),
  stsEndpointFor: () => (/* reexport */ stsEndpointFor),
  tagDigests: () => (/* reexport */ tagDigests),
  withAuthHint: () => (/* reexport */ withAuthHint),
  writeRegistryAuth: () => (/* reexport */ writeRegistryAuth)
});

// EXTERNAL MODULE: ./node_modules/.pnpm/@aws-crypto+sha256-js@5.2.0/node_modules/@aws-crypto/sha256-js/build/main/index.js
var main = __webpack_require__(1335);
// EXTERNAL MODULE: ./node_modules/.pnpm/@smithy+protocol-http@5.6.2/node_modules/@smithy/protocol-http/dist-cjs/index.js
var dist_cjs = __webpack_require__(6804);
// EXTERNAL MODULE: ./node_modules/.pnpm/@smithy+signature-v4@5.7.5/node_modules/@smithy/signature-v4/dist-cjs/index.js
var signature_v4_dist_cjs = __webpack_require__(1596);
;// CONCATENATED MODULE: ./packages/aws/src/eks/token.ts



const TOKEN_PREFIX = 'k8s-aws-v1.';
/** STS accepts the URL for 15 min; clients treat the token as good for 14 (the CLI's TOKEN_EXPIRATION_MINS). */
const TOKEN_LIFETIME_MS = 14 * 60_000;
function stsEndpointFor(region) {
    const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    return `https://sts.${region}.${suffix}`;
}
async function eksToken(o) {
    const now = o.now ?? new Date();
    const endpoint = new URL(o.stsEndpoint || stsEndpointFor(o.region));
    const host = endpoint.host; // includes a non-default port, as the signed Host header must
    const signer = new signature_v4_dist_cjs.SignatureV4({ credentials: o.credentials, region: o.region, service: 'sts', sha256: main.Sha256, uriEscapePath: true });
    const request = new dist_cjs/* HttpRequest */.Kd({
        method: 'GET',
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        port: endpoint.port ? Number(endpoint.port) : undefined,
        path: '/',
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
        headers: { host, 'x-k8s-aws-id': o.clusterName },
    });
    const signed = await signer.presign(request, { expiresIn: 60, signingDate: now });
    const query = signed.query;
    // Go's url.Values.Encode order (sorted keys), with the signature appended last, as the Go signer does
    const keys = Object.keys(query)
        .filter((k) => k !== 'X-Amz-Signature')
        .sort();
    const qs = [...keys, 'X-Amz-Signature'].map((k) => `${goEscape(k)}=${goEscape(query[k])}`).join('&');
    const url = `${endpoint.protocol}//${host}/?${qs}`;
    return { token: TOKEN_PREFIX + Buffer.from(url).toString('base64url'), url, expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS) };
}
/** Go's url.QueryEscape: unreserved characters kept, space as '+', everything else %XX (upper case). */
function goEscape(s) {
    return Array.from(Buffer.from(s, 'utf8'))
        .map((b) => {
        const c = String.fromCharCode(b);
        if (/[A-Za-z0-9\-_.~]/.test(c))
            return c;
        if (c === ' ')
            return '+';
        return '%' + b.toString(16).toUpperCase().padStart(2, '0');
    })
        .join('');
}
/** Decode a token back to its URL (for tests and server-side checks). */
function decodeEksToken(token) {
    if (!token.startsWith(TOKEN_PREFIX))
        throw new Error('not an EKS token');
    return new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
}

// EXTERNAL MODULE: ./node_modules/.pnpm/@aws-sdk+client-eks@3.1175.0/node_modules/@aws-sdk/client-eks/dist-cjs/index.js
var client_eks_dist_cjs = __webpack_require__(8976);
// EXTERNAL MODULE: ./node_modules/.pnpm/@aws-sdk+credential-provider-node@3.972.99/node_modules/@aws-sdk/credential-provider-node/dist-cjs/index.js
var credential_provider_node_dist_cjs = __webpack_require__(678);
// EXTERNAL MODULE: ./packages/core/src/index.ts + 32 modules
var src = __webpack_require__(4646);
;// CONCATENATED MODULE: ./packages/aws/src/eks/access.ts




async function describeEksCluster(o) {
    const eks = new client_eks_dist_cjs/* EKSClient */.JQJ({ region: o.region, credentials: o.credentials });
    try {
        const out = await eks.send(new client_eks_dist_cjs/* DescribeClusterCommand */.hV5({ name: o.clusterName }));
        const endpoint = out.cluster?.endpoint;
        const ca = out.cluster?.certificateAuthority?.data;
        if (!endpoint || !ca)
            throw new src/* UserError */.yo(`EKS cluster "${o.clusterName}" in ${o.region} has no endpoint or CA yet (status ${out.cluster?.status ?? 'unknown'})`);
        return { server: endpoint, caPem: Buffer.from(ca, 'base64').toString('utf8') };
    }
    catch (e) {
        const name = e.name;
        if (name === 'ResourceNotFoundException')
            throw new src/* UserError */.yo(`EKS cluster "${o.clusterName}" was not found in region ${o.region}: check inputs "cluster-name" and "region"`);
        if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException' || name === 'InvalidSignatureException' || name === 'ExpiredTokenException') {
            throw new src/* UserError */.yo(`cannot describe EKS cluster "${o.clusterName}": ${(0,src/* errorMessage */.gJ)(e)}`, {
                hint: 'the role needs eks:DescribeCluster on the cluster; with OIDC, check aws-actions/configure-aws-credentials ran first',
            });
        }
        if (name === 'CredentialsProviderError')
            throw new src/* UserError */.yo(`no AWS credentials found: ${(0,src/* errorMessage */.gJ)(e)}`, { hint: 'run aws-actions/configure-aws-credentials (OIDC) before this step' });
        throw e;
    }
    finally {
        eks.destroy();
    }
}
function eksTokenProvider(o) {
    const clock = o.clock ?? src/* systemClock */.ml;
    const refreshAfter = Math.min(o.refreshAfterMs ?? 10 * 60_000, TOKEN_LIFETIME_MS - 60_000);
    const env = o.env ?? process.env;
    let cached;
    return {
        invalidate: () => void (cached = undefined),
        async token() {
            if (cached && clock.now() - cached.minted < refreshAfter)
                return cached.token;
            const creds = await o.credentials();
            o.onSecret?.(creds.secretAccessKey);
            if (creds.sessionToken)
                o.onSecret?.(creds.sessionToken);
            const minted = clock.now();
            const t = await eksToken({ clusterName: o.clusterName, region: o.region, credentials: creds, now: new Date(minted), stsEndpoint: env.AWS_ENDPOINT_URL_STS });
            o.onSecret?.(t.token);
            o.onSecret?.(t.url);
            cached = { token: t.token, minted };
            return t.token;
        },
    };
}
async function eksClusterAccess(o) {
    const credentials = o.credentials ?? (0,credential_provider_node_dist_cjs.defaultProvider)();
    const { server, caPem } = await describeEksCluster({ clusterName: o.clusterName, region: o.region, credentials });
    const auth = eksTokenProvider({ ...o, credentials });
    await auth.token(); // fail here (credentials) rather than on the first API call
    return { server, caPem, auth };
}

;// CONCATENATED MODULE: ./packages/aws/src/eks/index.ts



// EXTERNAL MODULE: ./node_modules/.pnpm/@aws-sdk+client-ecr@3.1169.0/node_modules/@aws-sdk/client-ecr/dist-cjs/index.js
var client_ecr_dist_cjs = __webpack_require__(9377);
;// CONCATENATED MODULE: ./packages/aws/src/ecr/client.ts

/**
 * The ECR client with its retry budget stated, not inherited: the SDK's standard mode retries
 * throttling and transient errors; 4 attempts in all. Endpoint and region come from the usual
 * chain (AWS_ENDPOINT_URL_ECR, AWS_REGION), credentials from the default provider chain.
 */
function createEcrClient(opts = {}) {
    return new client_ecr_dist_cjs/* ECRClient */.S70({ region: opts.region, maxAttempts: opts.maxAttempts ?? 4, retryMode: 'standard' });
}

;// CONCATENATED MODULE: ./packages/aws/src/ecr/errors.ts

/**
 * AWS errors that are the user's to fix (credentials, IAM) become a UserError naming the missing
 * permission; they are never retried. Everything else passes through unchanged.
 */
const AUTH_CODES = new Set([
    'AccessDeniedException',
    'AccessDenied',
    'UnrecognizedClientException',
    'InvalidSignatureException',
    'InvalidClientTokenId',
    'SignatureDoesNotMatch',
    'ExpiredTokenException',
    'ExpiredToken',
    'CredentialsProviderError',
]);
function isAwsAuthError(e) {
    const name = e?.name;
    return !!name && AUTH_CODES.has(name);
}
function awsAuthError(e, action, permissions) {
    const name = e.name ?? 'Error';
    const message = e.message ?? String(e);
    return new src/* UserError */.yo(`${action} was refused by AWS (${name}): ${message}`, {
        hint: `the job's AWS role needs ${permissions.join(', ')}; with OIDC, check aws-actions/configure-aws-credentials ran in this job with \`permissions: id-token: write\``,
        cause: e,
    });
}
/** Rethrow auth failures as a UserError with the permissions hint. */
async function withAuthHint(action, permissions, fn) {
    try {
        return await fn();
    }
    catch (e) {
        if (isAwsAuthError(e))
            throw awsAuthError(e, action, permissions);
        throw e;
    }
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(542);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./packages/aws/src/ecr/auth.ts





const ECR_LOGIN_PERMISSIONS = ['ecr:GetAuthorizationToken'];
async function getEcrAuthorization(ecr, secrets) {
    const out = await withAuthHint('ECR GetAuthorizationToken', ECR_LOGIN_PERMISSIONS, () => ecr.send(new client_ecr_dist_cjs/* GetAuthorizationTokenCommand */.Eu6({})));
    const data = out.authorizationData?.[0];
    if (!data?.authorizationToken || !data.proxyEndpoint)
        throw new Error('ECR GetAuthorizationToken returned no authorization data');
    secrets.add(data.authorizationToken);
    const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const password = secrets.add(decoded.slice(colon + 1));
    const endpoint = new URL(data.proxyEndpoint.includes('://') ? data.proxyEndpoint : `https://${data.proxyEndpoint}`);
    return { registry: endpoint.host, proxyEndpoint: data.proxyEndpoint, insecure: endpoint.protocol === 'http:', username: decoded.slice(0, colon), password, expiresAt: data.expiresAt };
}
/** Make the private dir first (so its path can be saved for the post step before any secret exists). */
function makeAuthDir(base = process.env.RUNNER_TEMP || (0,external_node_os_.tmpdir)()) {
    const dir = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)(base, 'dantaro-registry-auth-'));
    (0,external_node_fs_.chmodSync)(dir, 0o700);
    const file = (0,external_node_path_.join)(dir, 'config.json');
    return { dir, file, env: { DOCKER_CONFIG: dir, REGISTRY_AUTH_FILE: file } };
}
function writeRegistryAuth(files, hosts, auth) {
    const entry = { auth: Buffer.from(`${auth.username}:${auth.password}`).toString('base64') };
    const auths = Object.fromEntries(hosts.map((h) => [h, entry]));
    (0,external_node_fs_.writeFileSync)(files.file, JSON.stringify({ auths }), { mode: 0o600 });
    (0,external_node_fs_.chmodSync)(files.file, 0o600);
}
function removeAuthDir(dir) {
    try {
        (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
        return true;
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./packages/aws/src/ecr/repository.ts



const UNTAGGED_LIFECYCLE_POLICY = JSON.stringify({
    rules: [
        {
            rulePriority: 1,
            description: 'expire untagged images after 14 days',
            selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
            action: { type: 'expire' },
        },
    ],
});
async function describeRepository(ecr, name) {
    try {
        const out = await withAuthHint('ECR DescribeRepositories', ['ecr:DescribeRepositories'], () => ecr.send(new client_ecr_dist_cjs/* DescribeRepositoriesCommand */.pE_({ repositoryNames: [name] })));
        const r = out.repositories?.[0];
        return r ? info(r, false) : undefined;
    }
    catch (e) {
        if (e.name === 'RepositoryNotFoundException')
            return undefined;
        throw e;
    }
}
async function ensureRepository(ecr, name, opts) {
    const existing = await describeRepository(ecr, name);
    if (existing)
        return existing;
    if (!opts.create) {
        throw new src/* UserError */.yo(`ECR repository "${name}" does not exist`, { hint: 'create it (IMMUTABLE tags, scan on push) or set `create-repository: true`' });
    }
    let repo;
    try {
        const out = await withAuthHint('ECR CreateRepository', ['ecr:CreateRepository', 'ecr:PutLifecyclePolicy'], () => ecr.send(new client_ecr_dist_cjs/* CreateRepositoryCommand */.WTe({ repositoryName: name, imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true } })));
        repo = out.repository;
    }
    catch (e) {
        // another job created it between our describe and create: use theirs, settings untouched
        if (e.name === 'RepositoryAlreadyExistsException')
            return (await describeRepository(ecr, name));
        throw e;
    }
    await withAuthHint('ECR PutLifecyclePolicy', ['ecr:PutLifecyclePolicy'], () => ecr.send(new client_ecr_dist_cjs/* PutLifecyclePolicyCommand */.Rcn({ repositoryName: name, lifecyclePolicyText: UNTAGGED_LIFECYCLE_POLICY })));
    opts.log.info(`created ECR repository ${name} (IMMUTABLE tags, scan on push, untagged images expire after 14 days)`);
    return info(repo, true);
}
function info(r, created) {
    return {
        name: r.repositoryName ?? '',
        uri: r.repositoryUri ?? '',
        immutable: (r.imageTagMutability ?? 'MUTABLE').startsWith('IMMUTABLE'),
        scanOnPush: r.imageScanningConfiguration?.scanOnPush ?? false,
        created,
    };
}

;// CONCATENATED MODULE: ./packages/aws/src/ecr/images.ts


const READ_PERMISSIONS = ['ecr:BatchGetImage', 'ecr:DescribeImages'];
/** tag → digest for the tags that exist; absent tags are simply missing from the map. */
async function tagDigests(ecr, repository, tags) {
    const found = new Map();
    if (tags.length === 0)
        return found;
    const out = await withAuthHint('ECR BatchGetImage', READ_PERMISSIONS, () => ecr.send(new client_ecr_dist_cjs/* BatchGetImageCommand */.P8n({ repositoryName: repository, imageIds: tags.map((imageTag) => ({ imageTag })) })));
    for (const img of out.images ?? []) {
        if (img.imageId?.imageTag && img.imageId.imageDigest)
            found.set(img.imageId.imageTag, img.imageId.imageDigest);
    }
    const other = (out.failures ?? []).filter((f) => f.failureCode !== 'ImageNotFound' && f.failureCode !== 'ImageTagDoesNotMatchDigest');
    if (other.length)
        throw new Error(`ECR BatchGetImage: ${other.map((f) => `${f.imageId?.imageTag}: ${f.failureCode} ${f.failureReason ?? ''}`).join('; ')}`);
    return found;
}
/** One image by tag or digest; undefined when ECR has no such image. */
async function describeImage(ecr, repository, id) {
    try {
        const out = await withAuthHint('ECR DescribeImages', READ_PERMISSIONS, () => ecr.send(new client_ecr_dist_cjs/* DescribeImagesCommand */.ji5({ repositoryName: repository, imageIds: [{ imageTag: id.tag, imageDigest: id.digest }] })));
        const d = out.imageDetails?.[0];
        if (!d?.imageDigest)
            return undefined;
        return { digest: d.imageDigest, tags: d.imageTags ?? [], sizeBytes: d.imageSizeInBytes, pushedAt: d.imagePushedAt, mediaType: d.imageManifestMediaType };
    }
    catch (e) {
        if (e.name === 'ImageNotFoundException')
            return undefined;
        throw e;
    }
}

;// CONCATENATED MODULE: ./packages/aws/src/ecr/store.ts



function ecrImageStore(ecr, repository) {
    return {
        tagDigests: (tags) => tagDigests(ecr, repository, tags),
        sizeOf: async (digest) => (await describeImage(ecr, repository, { digest }))?.sizeBytes,
        async addTag(digest, tag) {
            const got = await withAuthHint('ECR BatchGetImage', ['ecr:BatchGetImage'], () => ecr.send(new client_ecr_dist_cjs/* BatchGetImageCommand */.P8n({ repositoryName: repository, imageIds: [{ imageDigest: digest }] })));
            const img = got.images?.[0];
            if (!img?.imageManifest)
                throw new Error(`ECR has no manifest for ${repository}@${digest}`);
            try {
                await withAuthHint('ECR PutImage', ['ecr:PutImage'], () => ecr.send(new client_ecr_dist_cjs/* PutImageCommand */.SUU({ repositoryName: repository, imageManifest: img.imageManifest, imageManifestMediaType: img.imageManifestMediaType, imageTag: tag, imageDigest: digest })));
            }
            catch (e) {
                // the tag already points at this very image (a concurrent job did it): nothing to do
                if (e.name !== 'ImageAlreadyExistsException')
                    throw e;
            }
        },
    };
}

;// CONCATENATED MODULE: ./packages/aws/src/ecr/index.ts







;// CONCATENATED MODULE: ./packages/aws/src/index.ts




/***/ })

};
