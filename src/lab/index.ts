// The lab's public API, for the e2e tests, the demo and `busdoctor lab`.
export { Lab, type ProgressListener } from "./lab.js";
export {
  DEFAULT_LAB_NAME,
  DEFAULT_STATE_ROOT,
  type LabNode,
  type LabOptions,
  type NodeProcessStatus,
  type ResolvedLabOptions,
} from "./layout.js";
export {
  describeFault,
  LAB_NFT_TABLE,
  nftRules,
  type AnnounceBusPortFault,
  type BusDirection,
  type FaultAction,
  type FaultLayout,
  type LabFault,
  type NetworkFault,
} from "./faults.js";
export { busdoctorInNamespaceArgv, builtCliScript } from "./cliArgv.js";
export { teardownOnExit } from "./guard.js";
export { formatLabStatus, type LabNodeStatus, type LabStatus } from "./status.js";
export type { RunOptions, RunResult } from "./run.js";
