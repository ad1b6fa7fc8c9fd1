import { classifyPushError, explainPushError } from './push-errors';
import { ToolError } from './exec';

const tool = (tail: string) => new ToolError('buildah push', 125, tail);

test.each([
  ['Error: writing blob: initiating layer upload to /v2/app/blobs/uploads/ in h: received unexpected HTTP status: 503 Service Unavailable', 'transient'],
  ['StatusCode: 502, "<html>Bad Gateway</html>"; received unexpected HTTP status: 502 Bad Gateway', 'transient'],
  ['toomanyrequests: Rate exceeded', 'transient'],
  ['Patch "https://h/v2/app/blobs/uploads/x": read tcp 1.2.3.4: connection reset by peer', 'transient'],
  ['dial tcp: i/o timeout', 'transient'],
  ['Error: authenticating creds for "h": reading JSON file: unauthorized: authentication required', 'auth'],
  ['denied: User: arn:aws:sts::1:assumed-role/ci is not authorized to perform: ecr:InitiateLayerUpload', 'auth'],
  ["tag invalid: The image tag 'v1' already exists in the 'app' repository and cannot be overwritten because the repository is immutable.", 'immutable'],
  ["name unknown: The repository with name 'app' does not exist in the registry with id '1'", 'missing-repository'],
  ['Error: something else broke', 'other'],
  ['received unexpected HTTP status: 400 Bad Request', 'other'],
])('%s → %s', (tail, want) => {
  expect(classifyPushError(tool(tail))).toBe(want);
});

test('auth failures become a UserError naming the ECR push permissions', () => {
  const e = explainPushError(tool('unauthorized: authentication required'), 'h/app:1') as Error & { hint?: string };
  expect(e.name).toBe('UserError');
  expect(e.hint).toMatch(/ecr:BatchCheckLayerAvailability.*ecr:PutImage/);
});
