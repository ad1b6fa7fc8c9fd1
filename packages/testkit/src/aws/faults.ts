/**
 * Scripted AWS API failures: "the next 2 DescribeImages answer ThrottlingException". Matched by
 * service and operation (either may be '*'); each rule is used up after `times` hits.
 */
export type AwsService = 'ecr' | 'eks' | 'sts';

export interface AwsFault {
  service: AwsService | '*';
  operation: string;
  /** AWS error code, e.g. ThrottlingException, AccessDeniedException, ServerException. */
  code: string;
  status?: number;
  message?: string;
  times?: number;
}

const DEFAULT_STATUS: Record<string, number> = {
  ThrottlingException: 400,
  TooManyRequestsException: 429,
  AccessDeniedException: 400,
  ServerException: 500,
  InternalFailure: 500,
  ServiceUnavailable: 503,
};

export class AwsFaults {
  private readonly rules: Array<Required<AwsFault>> = [];

  add(fault: AwsFault): this {
    this.rules.push({
      status: DEFAULT_STATUS[fault.code] ?? 400,
      message: `injected ${fault.code}`,
      times: 1,
      ...fault,
    });
    return this;
  }

  /** Shorthand: throttle the next `times` calls of `operation`. */
  throttle(service: AwsService, operation: string, times = 1): this {
    return this.add({ service, operation, code: 'ThrottlingException', message: 'Rate exceeded', times });
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The fault to answer with, if one matches (and uses it up). */
  take(service: AwsService, operation: string): { code: string; status: number; message: string } | undefined {
    const rule = this.rules.find((r) => r.times > 0 && (r.service === '*' || r.service === service) && (r.operation === '*' || r.operation === operation));
    if (!rule) return undefined;
    rule.times--;
    return { code: rule.code, status: rule.status, message: rule.message };
  }
}
