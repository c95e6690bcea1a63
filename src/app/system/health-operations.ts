// How the health routes (health.controller.ts) are described in the OpenAPI document.
import type { OperationSpec } from './api-operation';
import { HealthView, LiveView, ReadyView } from './system-answers';

export const HEALTH: OperationSpec = {
  operationId: 'getHealth',
  summary: 'Health for people: the store, the access log and the projections',
  description: "`ok`, or `degraded` naming the failing parts; the store head and each projection's lag. 503 STORE_UNAVAILABLE without a store. Not rate-limited.",
  tag: 'system',
  answer: { name: 'HealthView', schema: HealthView },
  errors: ['STORE_UNAVAILABLE'],
};

export const LIVENESS: OperationSpec = {
  operationId: 'getLiveness',
  summary: 'Liveness: the process answers',
  description: 'For an orchestrator: restart the service when this fails. Not rate-limited.',
  tag: 'system',
  answer: { name: 'LiveView', schema: LiveView },
};

export const READINESS: OperationSpec = {
  operationId: 'getReadiness',
  summary: 'Readiness: store, access log and projections live and within lag',
  description:
    "For an orchestrator: send no traffic while this is 503. The 503 names the first failing part's code and lists every failing part in `details`. Not rate-limited.",
  tag: 'system',
  answer: { name: 'ReadyView', schema: ReadyView },
  errors: ['STORE_UNAVAILABLE', 'ACCESS_LOG_UNAVAILABLE', 'PROJECTION_BEHIND'],
};
