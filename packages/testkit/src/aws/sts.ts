import { randomUUID } from 'node:crypto';

/** STS GetCallerIdentity (query protocol: form-encoded POST, or a presigned GET; XML answers). */
const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function stsAction(method: string, url: string, body: Buffer): string | undefined {
  const params = method === 'GET' ? new URL(url, 'http://x').searchParams : new URLSearchParams(body.toString('utf8'));
  return params.get('Action') ?? undefined;
}

export function callerIdentityXml(accountId: string, arn: string, userId: string): string {
  return `<GetCallerIdentityResponse xmlns="${NS}">
  <GetCallerIdentityResult>
    <Arn>${xml(arn)}</Arn>
    <UserId>${xml(userId)}</UserId>
    <Account>${xml(accountId)}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>${randomUUID()}</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`;
}

export function stsErrorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="${NS}">
  <Error>
    <Type>Sender</Type>
    <Code>${xml(code)}</Code>
    <Message>${xml(message)}</Message>
  </Error>
  <RequestId>${randomUUID()}</RequestId>
</ErrorResponse>
`;
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
