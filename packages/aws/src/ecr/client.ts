import { ECRClient } from '@aws-sdk/client-ecr';

/**
 * The ECR client with its retry budget stated, not inherited: the SDK's standard mode retries
 * throttling and transient errors; 4 attempts in all. Endpoint and region come from the usual
 * chain (AWS_ENDPOINT_URL_ECR, AWS_REGION), credentials from the default provider chain.
 */
export function createEcrClient(opts: { region?: string; maxAttempts?: number } = {}): ECRClient {
  return new ECRClient({ region: opts.region, maxAttempts: opts.maxAttempts ?? 4, retryMode: 'standard' });
}
