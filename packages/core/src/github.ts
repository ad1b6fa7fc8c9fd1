import type { Env } from './inputs';

/** The bits of the GitHub context every action shows, read from the runner's environment. */
export interface GitHubContext {
  serverUrl: string;
  repository: string;
  sha: string;
  ref: string;
  refName: string;
  actor: string;
  runId: string;
  runAttempt: string;
  workflow: string;
  job: string;
  eventName: string;
  runUrl?: string;
  commitUrl?: string;
}

export function githubContext(env: Env = process.env): GitHubContext {
  const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
  const repository = env.GITHUB_REPOSITORY || '';
  const sha = env.GITHUB_SHA || '';
  const runId = env.GITHUB_RUN_ID || '';
  return {
    serverUrl,
    repository,
    sha,
    ref: env.GITHUB_REF || '',
    refName: env.GITHUB_REF_NAME || '',
    actor: env.GITHUB_ACTOR || '',
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT || '1',
    workflow: env.GITHUB_WORKFLOW || '',
    job: env.GITHUB_JOB || '',
    eventName: env.GITHUB_EVENT_NAME || '',
    runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
    commitUrl: repository && sha ? `${serverUrl}/${repository}/commit/${sha}` : undefined,
  };
}
