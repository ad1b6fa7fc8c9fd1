#!/usr/bin/env bash
# The seed spec's deploy checklist (§7.1), each item ticked only by what actually ran in this deploy,
# and left open with the reason where nothing checks it. Reads job results from the environment.
set -euo pipefail

item() { # item <ticked:true|false> <text> <evidence or reason>
  if [ "$1" = true ]; then printf -- '- [x] %s — %s\n' "$2" "$3"; else printf -- '- [ ] %s — %s\n' "$2" "$3"; fi
}
is() { [ "${!1:-}" = "$2" ]; }

echo "## Deploy checklist (배포 체크리스트)"
echo
echo "### Before (배포 전)"
if is TEST_RESULT success; then item true "All tests pass (모든 테스트 통과 확인)" "test job succeeded"
else item false "All tests pass (모든 테스트 통과 확인)" "test job: ${TEST_RESULT:-not run}"; fi
if [ -n "${MIGRATION:-}" ]; then item true "Database migration reviewed (데이터베이스 마이그레이션 검토)" "migration ran as a Job: ${MIGRATION}; its plan and logs are in the migrate summary"
else item false "Database migration reviewed (데이터베이스 마이그레이션 검토)" "no migration ran in this deploy"; fi
item false "Environment variables checked (환경 변수 확인)" "nothing in the pipeline checks this; the migration Job copies the Deployment's env"
item false "Resource requirements reviewed (리소스 요구사항 검토)" "nothing in the pipeline checks this"
item true "Rollback plan (롤백 계획 수립)" "eks-rollout rolls back automatically; rollback.yml redeploys any earlier image by hand"
if is ANNOUNCE_RESULT success; then item true "Deploy announced (배포 공지 발송)" "Slack message posted at start"
else item false "Deploy announced (배포 공지 발송)" "Slack announce: ${ANNOUNCE_RESULT:-not configured}"; fi
echo
echo "### During (배포 중)"
if [ -n "${ROLLOUT_RESULT:-}" ]; then item true "Current version recorded (현재 버전 백업)" "eks-rollout recorded the previous images and revisions"
else item false "Current version recorded (현재 버전 백업)" "the rollout did not run"; fi
if [ -n "${BACKUP_KEY:-}" ]; then item true "Database backed up (데이터베이스 백업)" "s3 object ${BACKUP_KEY}"
else item false "Database backed up (데이터베이스 백업)" "no pre-deploy backup (backup-bucket not set or the step failed)"; fi
item false "Blue-green deploy (블루-그린 배포 시작)" "rolling update with automatic rollback instead; blue-green is planned for wave 2"
if [ -n "${ROLLOUT_RESULT:-}" ]; then item true "Health checks watched (헬스체크 모니터링)" "every Deployment watched to a verdict: ${ROLLOUT_RESULT}"
else item false "Health checks watched (헬스체크 모니터링)" "the rollout did not run"; fi
if [ -n "${ROLLOUT_RESULT:-}" ]; then item true "Logs watched (로그 모니터링)" "failing pods' logs and events are in the eks-rollout summary"
else item false "Logs watched (로그 모니터링)" "the rollout did not run"; fi
echo
echo "### After (배포 후)"
if is SMOKE success; then item true "Functional test (기능 테스트)" "smoke URL answered 2xx"
else item false "Functional test (기능 테스트)" "smoke check: ${SMOKE:-not configured}"; fi
item false "Performance monitoring (성능 모니터링)" "outside this pipeline (Prometheus is a later wave)"
item false "Error logs checked (에러 로그 확인)" "outside this pipeline after the rollout verdict"
item false "User feedback watched (사용자 피드백 모니터링)" "a person's job"
if is DEPLOY_RESULT success; then item true "Deploy reported (배포 완료 보고)" "Slack message updated; image ${IMAGE:-?}"
else item false "Deploy reported (배포 완료 보고)" "deploy job: ${DEPLOY_RESULT:-not run}; the Slack message shows the failure"; fi
