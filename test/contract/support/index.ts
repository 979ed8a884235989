export * from "./checks.ts";
export { createConformanceFetch, readFindings, type ConformanceFinding } from "./conformance.ts";
export { expectAnswer, expectError, preview, type FetchResult } from "./expect-answer.ts";
export { runScenario, runScenarios, type RunScenarioOptions, type Scenario, type ScenarioContext } from "./run-scenarios.ts";
export {
  COVERAGE_FORMAT,
  coverageDir,
  coverageRunId,
  createCoverageRecorder,
  describeExchange,
  type CoverageExchange,
  type CoverageHeader,
  type CoverageLayer,
  type CoverageRecorder,
  type ExchangeInput,
} from "./coverage.ts";
export { API_NAMES, isObject, loadApiSpec, type ApiName, type ApiSpec, type SpecOperationInfo, type SpecParameter } from "./spec-index.ts";
export { preferHeader, type ContractTarget, type TargetFixtures, type TargetTenant } from "./target.ts";
export { DEPLOYMENT_ENV, startConformanceProxy, startDeploymentTarget, startMockTarget, startServerTarget } from "./targets.ts";
export { ARAZZO_FILES, runRespect, STATEFUL_WORKFLOWS, type RespectResult, type RespectRun } from "./respect.ts";
