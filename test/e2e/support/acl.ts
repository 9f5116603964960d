// The ACL rules of docs/security.md's minimal check user, without +config|get: what the ACL tests
// grant (a real verdict that states the node timeout it assumed) and what fix's user builds on.
export const CHECK_ACL_WITHOUT_CONFIG: readonly string[] = [
  "-@all",
  "+ping",
  "+info",
  "+cluster|info",
  "+cluster|nodes",
  "+cluster|links",
  "+cluster|myid",
  "+cluster|count-failure-reports",
];
